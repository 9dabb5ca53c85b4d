package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"qinggong/internal/activity"
	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/config"
	"qinggong/internal/org"
	"qinggong/internal/person"
)

// cliActor acts with every business and officer power on the command line,
// which only the machine's operator can run; the audit log names it "cli".
func cliActor(root *org.Org) *auth.Actor {
	return &auth.Actor{Login: "cli", Via: "cli", Grants: []auth.Grant{
		{Role: auth.SecAdmin, ScopeKind: "global"},
		{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}},
	}}
}

func runUser(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(out, "Usage: qinggong user add|passwd|grant [flags]")
		return errUsage
	}
	sub, args := args[0], args[1:]
	var login, name, orgCode, role, scope, password string
	cfg, _, err := loadConfig("user "+sub, args, out, func(c *config.Config, fs *flag.FlagSet) {
		c.DBFlags(fs)
		fs.StringVar(&login, "login", "", "login name")
		switch sub {
		case "add":
			fs.StringVar(&name, "name", "", "display name")
			fs.StringVar(&orgCode, "org", "", "code of the home organization (default: the root)")
		case "grant":
			fs.StringVar(&role, "role", "", "org_admin, cadre, viewer, sysadmin, secadmin or auditor")
			fs.StringVar(&scope, "org", "", "code of the organization the role covers (business roles)")
		case "passwd":
			fs.StringVar(&password, "password", "", "new password (default: generate one, to be changed at next login)")
		}
	})
	if err != nil {
		return err
	}
	if sub != "add" && sub != "grant" && sub != "passwd" {
		fmt.Fprintf(out, "qinggong user: unknown subcommand %q (want add, passwd or grant)\n", sub)
		return errUsage
	}
	if login == "" {
		fmt.Fprintln(out, "qinggong user: --login is required")
		return errUsage
	}
	a, err := openApp(ctx, cfg, out)
	if err != nil {
		return err
	}
	defer a.Close()
	root, err := a.Orgs.Root(ctx)
	if err != nil {
		return err
	}
	by := cliActor(root)
	ctx = auth.WithAuditMeta(ctx, by)
	orgByCode := func(code string) (int64, error) {
		if code == "" {
			return root.ID, nil
		}
		pg, err := a.Orgs.Find(ctx, by, org.Filter{Query: code, Limit: 1, Status: "all"})
		if err != nil || len(pg.Orgs) == 0 || pg.Orgs[0].Code != code {
			return 0, fmt.Errorf("no organization with code %q", code)
		}
		return pg.Orgs[0].ID, nil
	}
	switch sub {
	case "add":
		oid, err := orgByCode(orgCode)
		if err != nil {
			return err
		}
		if name == "" {
			name = login
		}
		_, pw, err := a.Users.CreateUser(ctx, by, auth.NewUser{Login: login, Name: name, OrgID: oid})
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(out, "created %s; password (shown once, change at first login): %s\n", login, pw)
	case "passwd":
		u, err := a.Users.FindUserByLogin(ctx, login)
		if err != nil {
			return fmt.Errorf("no user %q", login)
		}
		must := password == ""
		if must {
			password = auth.GeneratePassword()
		}
		if err := a.Users.SetPassword(ctx, u.ID, password, must); err != nil {
			return describe(err)
		}
		if must {
			fmt.Fprintf(out, "new password for %s (shown once, change at next login): %s\n", login, password)
		} else {
			fmt.Fprintf(out, "password of %s changed; its sessions are ended\n", login)
		}
	case "grant":
		u, err := a.Users.FindUserByLogin(ctx, login)
		if err != nil {
			return fmt.Errorf("no user %q", login)
		}
		g := auth.NewGrant{UserID: u.ID, Role: auth.Role(role), ScopeKind: "org"}
		if !g.Role.Officer() {
			if g.ScopeID, err = orgByCode(scope); err != nil {
				return err
			}
		}
		if _, err := a.Users.GrantRole(ctx, by, g); err != nil {
			return describe(err)
		}
		fmt.Fprintf(out, "granted %s to %s\n", role, login)
	}
	return nil
}

// describe turns a service error into a readable line (catalog keys, in English).
func describe(err error) error {
	return errors.New(strings.ReplaceAll(err.Error(), "err.", ""))
}

func runToken(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(out, "Usage: qinggong token create --user NAME [--days N] [--name LABEL]")
		return errUsage
	}
	var login, label string
	var days int
	cfg, _, err := loadConfig("token create", args[1:], out, func(c *config.Config, fs *flag.FlagSet) {
		c.DBFlags(fs)
		fs.StringVar(&login, "user", "", "login of the token's owner")
		fs.StringVar(&label, "name", "cli", "label of the token")
		fs.IntVar(&days, "days", 90, "days until it expires (1–366)")
	})
	if err != nil {
		return err
	}
	if login == "" {
		fmt.Fprintln(out, "qinggong token create: --user is required")
		return errUsage
	}
	a, err := openApp(ctx, cfg, out)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Users.FindUserByLogin(ctx, login)
	if err != nil {
		return fmt.Errorf("no user %q", login)
	}
	tok, err := a.Users.CreateToken(auth.WithAuditMeta(ctx, &auth.Actor{Login: "cli"}), u.ID, label, time.Duration(days)*24*time.Hour)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintln(out, tok)
	return nil
}

func runBackup(ctx context.Context, args []string, out io.Writer) error {
	cfg, fs, err := loadConfig("backup", args, out, (*config.Config).DBFlags)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(out, "Usage: qinggong backup [--db URL] FILE")
		return errUsage
	}
	a, err := openApp(ctx, cfg, out)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.DB.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	st, err := os.Stat(fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "backup written to %s (%d bytes)\n", fs.Arg(0), st.Size())
	return nil
}

func runAudit(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "rebuild") {
		fmt.Fprintln(out, "Usage: qinggong audit verify|rebuild [--db URL]\n  verify   check the audit chain and the rollups\n  rebuild  recompute the organization tree's, the people registry's and the credit system's rollups")
		return errUsage
	}
	cfg, _, err := loadConfig("audit "+args[0], args[1:], out, (*config.Config).DBFlags)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, out)
	if err != nil {
		return err
	}
	defer a.Close()
	if args[0] == "rebuild" {
		if err := a.Orgs.RebuildRollups(auth.WithAuditMeta(ctx, &auth.Actor{Login: "cli"})); err != nil {
			return err
		}
		if err := person.RebuildRollups(ctx, a.DB); err != nil {
			return err
		}
		if err := a.Skills.Rebuild(ctx); err != nil {
			return err
		}
		fmt.Fprintln(out, "organization, people and credit rollups rebuilt")
		return nil
	}
	n, prob, err := a.Audit.Verify(ctx, a.DB.R())
	if err != nil {
		return err
	}
	if prob != nil {
		return fmt.Errorf("audit log broken after %d rows: %v", n, prob)
	}
	bad, err := a.Orgs.CheckRollups(ctx)
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		return fmt.Errorf("organization rollups differ from the tree at %d organizations (first: %d); run 'qinggong audit rebuild'", len(bad), bad[0])
	}
	badActivity, err := activity.Check(ctx, a.DB.R())
	if err != nil {
		return err
	}
	if len(badActivity) > 0 {
		return fmt.Errorf("activity rollups differ from the ledger in %d cells (first: %s)", len(badActivity), badActivity[0])
	}
	badPeople, err := person.CheckRollups(ctx, a.DB.R())
	if err != nil {
		return err
	}
	if len(badPeople) > 0 {
		return fmt.Errorf("people counts differ from the registry in %d cells (first: %s); run 'qinggong audit rebuild'", len(badPeople), badPeople[0])
	}
	badReviews, err := campaign.CheckReviews(ctx, a.DB.R())
	if err != nil {
		return err
	}
	if len(badReviews) > 0 {
		return fmt.Errorf("review scores differ from their audit records in %d reviews (first: %s)", len(badReviews), badReviews[0])
	}
	badCredits, err := a.Skills.Check(ctx)
	if err != nil {
		return err
	}
	if len(badCredits) > 0 {
		m := badCredits[0]
		return fmt.Errorf("credit sums differ from the ledger in %d places (first: %s %s kept %d, ledger %d); run 'qinggong audit rebuild'",
			len(badCredits), m.What, m.Key, m.Kept, m.Real)
	}
	fmt.Fprintf(out, "audit log intact: %d rows verified; organization, activity and people rollups, review scores and credit sums match\n", n)
	return nil
}
