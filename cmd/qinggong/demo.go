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
	var people int
	cfg, _, err := loadConfig("demo", args, out, func(c *config.Config, fs *flag.FlagSet) {
		c.DBFlags(fs)
		fs.StringVar(&scale, "scale", "small", "small (~2,000 organizations) or city (50,000)")
		fs.Int64Var(&seed, "seed", 1, "random seed; the same seed makes the same data")
		fs.IntVar(&people, "people", 0, "people to register; 0: the scale's default (20,000 small, 1,000,000 city), -1: none")
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
	return loadDemoOptions(ctx, a, demo.Options{Scale: demo.Scale(scale), Seed: seed, People: people}, out)
}

// loadDemo fills an empty tree at scale with the scale's people (serve --demo).
func loadDemo(ctx context.Context, a *app.App, scale string, seed int64, out io.Writer) error {
	return loadDemoOptions(ctx, a, demo.Options{Scale: demo.Scale(scale), Seed: seed}, out)
}

// loadDemoOptions fills an empty tree, registers the demo people and
// prints the demo accounts once.
func loadDemoOptions(ctx context.Context, a *app.App, opt demo.Options, out io.Writer) error {
	start := time.Now()
	res, err := demo.Load(ctx, demo.Services{DB: a.DB, Orgs: a.Orgs, Users: a.Users, People: a.People, Cadres: a.Cadres, Audit: a.Audit}, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "demo data loaded in %s: %d organizations, %d regions, %d people, %d cadres\n",
		time.Since(start).Round(time.Millisecond), res.Orgs, res.Regions, res.People, res.Cadres)
	fmt.Fprintln(out, "Demo accounts (passwords shown once; each must be changed at first login):")
	for _, acc := range res.Accounts {
		fmt.Fprintf(out, "  %-16s %-10s %-24s %s\n", acc.Login, acc.Role, acc.Scope, acc.Password)
	}
	return nil
}
