// Command skillsseed adds issue 13's load to a demo database (made by
// `qinggong demo --scale city`: 1,000,000 people, ~50,000 organizations):
// --entries credit entries (10,000,000) spread over the people, the last
// four years, the entry sources and the organizations that issue them,
// then the kept sums recomputed from the whole ledger; and what the HTTP
// measurements of bench/skills.sh need:
//
//   - the person with the most entries (for the transcript page) and a
//     typical one (the median number of entries among those with any);
//   - the person without a login yet with the most entries, given a login
//     and a password, for the self-service page /my/skills;
//   - the district (a child of the root) with the most people, for the
//     overview of one subtree.
//
// The entries: a quarter of the people have none; the others a
// log-normal share (σ 0.7, so the median person about ten and the
// heaviest a few hundred). Each entry is a course (70 %, issued by the
// person's branch, unit, district or the city), the skills month (10 %,
// the district), an appraisal (5 %), a competition (5 %), an innovation
// (4 %) or a mentorship (6 %), with that rule's credits; months weighted
// to grow from four years ago to now; a course's source ID grows with
// time as course IDs do. 0.2 % of them are then reversed by a correction
// entry, as Service.Reverse writes it. IDs follow time (a transcript's
// newest first is its highest IDs).
//
// The bulk goes in as batched SQL (COPY on PostgreSQL), --batch entries per
// transaction, with the ledger's secondary indexes dropped during the load
// and created again after it (the same definitions, read from the
// catalog); no audit record or activity entry of its own (the overview's
// "persons" column, read from the activity rollup, does not see the bulk).
// Then the kept sums — credit_balances, credit_person_years, credit_rollup
// — are recomputed from a scan of the whole ledger (the demo's entries
// too), as Service.Rebuild does, but written with COPY: Rebuild's one
// INSERT per organization-month cell takes far too long at this size.
//
// It reads the database and secret like the app (QG_DB, QG_SECRET_FILE,
// --db) and prints key=value lines:
//
//	entries=… corrections=… people_with_entries=… heavy_person=… heavy_entries=…
//	typical_person=… typical_entries=… mine_login=… mine_person=… mine_entries=…
//	district=… district_name=… bulk_ms=… kept_ms=… index_ms=… analyze_ms=…
//
//	go run ./bench/skillsseed --db sqlite:/tmp/qg.db --entries 200000
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"qinggong/internal/app"
	"qinggong/internal/config"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "skillsseed:", err)
		os.Exit(1)
	}
}

type options struct {
	entries, batch int
	corrections    float64
	admin          string
	password       string
	seed           uint64
	analyze        bool
}

func run(ctx context.Context, args []string, out io.Writer) error {
	cfg := config.Default()
	if err := cfg.FromEnv(); err != nil {
		return err
	}
	var o options
	fs := flag.NewFlagSet("skillsseed", flag.ContinueOnError)
	cfg.DBFlags(fs)
	fs.IntVar(&o.entries, "entries", 10_000_000, "credit entries to add in bulk (corrections included)")
	fs.IntVar(&o.batch, "batch", 100_000, "entries per transaction")
	fs.Float64Var(&o.corrections, "corrections", 0.002, "share of the entries that are corrections reversing another")
	fs.StringVar(&o.admin, "admin", "admin", "login recorded as the issuer of the entries")
	fs.StringVar(&o.password, "password", "Bench-Pass-2026x", "password given to the \"my skills\" young worker")
	fs.Uint64Var(&o.seed, "seed", 13, "seed of the random choices")
	fs.BoolVar(&o.analyze, "analyze", true, "refresh planner statistics after the load, as the demo does")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.entries < 1 || o.batch < 1 || o.corrections < 0 || o.corrections > 0.1 {
		return errors.New("need 1 <= entries, 1 <= batch and 0 <= corrections <= 0.1")
	}
	a, err := app.Open(ctx, cfg, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	return seed(ctx, a, o, out)
}

func seed(ctx context.Context, a *app.App, o options, out io.Writer) error {
	u, err := a.Users.FindUserByLogin(ctx, o.admin)
	if err != nil {
		return fmt.Errorf("issuer %q: %w", o.admin, err)
	}
	start := time.Now()
	w, err := loadWorld(ctx, a.DB)
	if err != nil {
		return err
	}
	if len(w.people) == 0 {
		return errors.New("no people: load a demo first")
	}
	g := newGen(w, o.seed, u.ID, start)
	g.plan(o.entries, o.corrections)
	drop, err := dropIndexes(ctx, a.DB)
	if err != nil {
		return fmt.Errorf("indexes: %w", err)
	}
	trade := hasTrade(ctx, a.DB)
	st, err := g.load(ctx, a.DB, o.batch, trade)
	if err != nil {
		return fmt.Errorf("bulk: %w", err)
	}
	bulked := time.Since(start)
	t := time.Now()
	if err := createIndexes(ctx, a.DB, drop); err != nil {
		return fmt.Errorf("indexes: %w", err)
	}
	indexed := time.Since(t)
	t = time.Now()
	kept, err := rebuildKept(ctx, a.DB, trade)
	if err != nil {
		return fmt.Errorf("kept sums: %w", err)
	}
	keptTime := time.Since(t)
	heavy, typical, mine := g.pick()
	login, err := giveLogin(ctx, a, w.people[mine], o.password)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	district, err := biggestDistrict(ctx, a.DB)
	if err != nil {
		return fmt.Errorf("district: %w", err)
	}
	var analyzed time.Duration
	if o.analyze {
		t := time.Now()
		if err := a.DB.Analyze(ctx); err != nil {
			return err
		}
		analyzed = time.Since(t)
	}
	with := 0
	for _, n := range g.count {
		if n > 0 {
			with++
		}
	}
	fmt.Fprintf(out, "entries=%d\ncorrections=%d\npeople=%d\npeople_with_entries=%d\n", st.entries, st.corrections, len(w.people), with)
	fmt.Fprintf(out, "heavy_person=%d\nheavy_entries=%d\ntypical_person=%d\ntypical_entries=%d\n",
		w.people[heavy].id, g.count[heavy], w.people[typical].id, g.count[typical])
	fmt.Fprintf(out, "mine_login=%s\nmine_person=%d\nmine_entries=%d\n", login, w.people[mine].id, g.count[mine])
	fmt.Fprintf(out, "district=%d\ndistrict_name=%s\ndistrict_people=%d\n", district.id, district.name, district.people)
	fmt.Fprintf(out, "kept_balances=%d\nkept_person_years=%d\nkept_rollup=%d\n", kept.balances, kept.years, kept.rollup)
	fmt.Fprintf(out, "bulk_ms=%d\nindex_ms=%d\nkept_ms=%d\nanalyze_ms=%d\nseed_ms=%d\n", bulked.Milliseconds(), indexed.Milliseconds(),
		keptTime.Milliseconds(), analyzed.Milliseconds(), time.Since(start).Milliseconds())
	return nil
}
