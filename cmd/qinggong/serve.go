package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"qinggong/internal/app"
	"qinggong/internal/config"
)

// parseFlags parses args into fs, turning a bad flag into errUsage.
func parseFlags(fs *flag.FlagSet, args []string, out io.Writer) error {
	fs.SetOutput(out)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// loadConfig reads the environment, then the flags registered by add.
func loadConfig(name string, args []string, out io.Writer, add func(*config.Config, *flag.FlagSet)) (config.Config, *flag.FlagSet, error) {
	cfg := config.Default()
	if err := cfg.FromEnv(); err != nil {
		return cfg, nil, err
	}
	fs := flag.NewFlagSet("qinggong "+name, flag.ContinueOnError)
	add(&cfg, fs)
	if err := parseFlags(fs, args, out); err != nil {
		return cfg, fs, err
	}
	return cfg, fs, nil
}

// openApp opens the configured database and prints first-start credentials.
func openApp(ctx context.Context, cfg config.Config, out io.Writer) (*app.App, error) {
	a, err := app.Open(ctx, cfg, app.Options{Log: os.Stderr})
	if err != nil {
		return nil, err
	}
	// One logger for the process: what packages log through slog (an
	// import failing in the background, with the ID of the request that
	// started it) goes out as the same JSON lines as the request log.
	slog.SetDefault(a.Log)
	accounts, err := a.Bootstrap(ctx, cfg.AdminPassword)
	if err != nil {
		a.Close()
		return nil, err
	}
	if len(accounts) > 0 {
		fmt.Fprintln(out, "First start: accounts created. These passwords are shown once; each must be changed at first login.")
		for _, acc := range accounts {
			fmt.Fprintf(out, "  %-10s %-10s %s\n", acc.Login, acc.Role, acc.Password)
		}
	}
	return a, nil
}

func runServe(ctx context.Context, args []string, out io.Writer) error {
	cfg, _, err := loadConfig("serve", args, out, (*config.Config).ServeFlags)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, out)
	if err != nil {
		return err
	}
	defer a.Close()
	// Imports a stopped process left running are marked failed (their
	// committed batches stay); the user sees it on the import's page.
	if err := a.People.RecoverImports(ctx); err != nil {
		return err
	}
	if cfg.Demo {
		// --demo fills an empty tree once; later starts with the flag keep the data.
		if root, err := a.Orgs.Root(ctx); err == nil && root.Descendants == 0 {
			if err := loadDemo(ctx, a, "small", 1, out); err != nil {
				return err
			}
		}
	}
	srv := &http.Server{
		Addr: cfg.Addr, Handler: a.Handler(),
		ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
		MaxHeaderBytes: 64 << 10,
		BaseContext:    func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	a.Log.Info("listening", "addr", "http://"+ln.Addr().String(), "db", a.DB.Redacted())
	fmt.Fprintf(out, "Qinggong is listening on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Graceful shutdown: stop accepting, let in-flight requests (and their
	// transactions) finish, then close the database.
	slog.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

func runMigrate(ctx context.Context, args []string, out io.Writer) error {
	cfg, _, err := loadConfig("migrate", args, out, (*config.Config).DBFlags)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, out)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintln(out, "database is up to date")
	return nil
}
