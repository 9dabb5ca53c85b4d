// Command qinggong is the whole platform: the web server (the default
// command) and its maintenance commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

type command struct {
	name, usage string
	run         func(ctx context.Context, args []string, out io.Writer) error
}

var commands = []command{
	{"serve", "start the web server (the default)", runServe},
	{"migrate", "apply database migrations", runMigrate},
	{"demo", "load demo data into an empty database", runDemo},
	{"user", "manage accounts: user add|passwd|grant", runUser},
	{"token", "personal access tokens: token create --user NAME", runToken},
	{"backup", "write a consistent copy of the database: backup FILE", runBackup},
	{"audit", "check the audit log: audit verify", runAudit},
	{"version", "print the version", func(_ context.Context, _ []string, out io.Writer) error {
		fmt.Fprintln(out, "qinggong", version)
		return nil
	}},
}

// errUsage marks bad command-line input: usage was printed, exit 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, out, errOut io.Writer) int {
	name := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	if name == "help" || name == "--help" || name == "-h" {
		usage(out)
		return 0
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		err := c.run(ctx, args, out)
		switch {
		case err == nil, errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		}
		fmt.Fprintln(errOut, "qinggong:", err)
		return 1
	}
	fmt.Fprintf(errOut, "qinggong: unknown command %q\n", name)
	usage(errOut)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: qinggong [command] [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(w, "\nRun 'qinggong COMMAND --help' for a command's flags.")
}
