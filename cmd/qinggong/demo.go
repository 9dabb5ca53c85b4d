package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"qinggong/internal/app"
	"qinggong/internal/config"
	"qinggong/internal/demo"
)

func runDemo(ctx context.Context, args []string, out io.Writer) error {
	var scale string
	var seed int64
	cfg, _, err := loadConfig("demo", args, out, func(c *config.Config, fs *flag.FlagSet) {
		c.DBFlags(fs)
		fs.StringVar(&scale, "scale", "small", "small (~2,000 organizations) or city (50,000)")
		fs.Int64Var(&seed, "seed", 1, "random seed; the same seed makes the same data")
	})
	if err != nil {
		return err
	}
	if scale != "small" && scale != "city" {
		fmt.Fprintln(out, "qinggong demo: --scale must be small or city")
		return errUsage
	}
	a, err := openApp(ctx, cfg, out)
	if err != nil {
		return err
	}
	defer a.Close()
	return loadDemo(ctx, a, scale, seed, out)
}

// loadDemo fills an empty tree and prints the demo accounts once.
func loadDemo(ctx context.Context, a *app.App, scale string, seed int64, out io.Writer) error {
	start := time.Now()
	res, err := demo.Load(ctx, a.DB, a.Orgs, a.Users, a.Audit, demo.Options{Scale: demo.Scale(scale), Seed: seed})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "demo data loaded in %s: %d organizations, %d regions\n", time.Since(start).Round(time.Millisecond), res.Orgs, res.Regions)
	fmt.Fprintln(out, "Demo accounts (passwords shown once):")
	for _, acc := range res.Accounts {
		fmt.Fprintf(out, "  %-16s %-10s %-24s %s\n", acc.Login, acc.Role, acc.Scope, acc.Password)
	}
	return nil
}
