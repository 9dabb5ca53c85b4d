package demo_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/demo"
	"qinggong/internal/errs"
	"qinggong/internal/org"
)

// TestAccounts logs every demo account in with the password Load returned
// and checks that it sees exactly its scope.
func TestAccounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		res := e.load(t, demo.Options{Scale: demo.Small, Seed: 1, People: -1})
		admin := &auth.Actor{Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: e.root.ID, Paths: []string{e.root.Path}}}}
		line := func(name string) *org.Org {
			t.Helper()
			p, err := e.orgs.Find(ctx, admin, org.Filter{Parent: e.root.ID, Query: name})
			if err != nil || len(p.Orgs) != 1 {
				t.Fatalf("find %s: %d, %v", name, len(p.Orgs), err)
			}
			return &p.Orgs[0]
		}
		pudong, metro, xuhui := line("浦东新区团委"), line("申通地铁集团团委"), line("徐汇区团委")
		regions, err := e.orgs.FindRegions(ctx, admin, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		var lujiazui []string
		for _, r := range regions {
			if r.Name == "陆家嘴金融城" {
				p, err := e.orgs.RegionMembers(ctx, admin, r.ID, "", 200)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range p.Orgs {
					lujiazui = append(lujiazui, m.Path)
				}
			}
		}
		slices.Sort(lujiazui)

		want := map[string]struct {
			role     auth.Role
			prefixes []string // nil: the whole tree
		}{
			"city_admin":      {auth.OrgAdmin, nil},
			"pudong_admin":    {auth.OrgAdmin, []string{pudong.Path}},
			"pudong_cadre":    {auth.Cadre, []string{pudong.Path}},
			"metro_viewer":    {auth.Viewer, []string{metro.Path}},
			"lujiazui_viewer": {auth.Viewer, lujiazui},
		}
		// The selections' expert reviewers, viewers in five districts.
		for i, name := range []string{"黄浦区团委", "静安区团委", "杨浦区团委", "嘉定区团委", "松江区团委"} {
			want["expert_"+strconv.Itoa(i+1)] = struct {
				role     auth.Role
				prefixes []string
			}{auth.Viewer, []string{line(name).Path}}
		}
		if len(res.Accounts) != len(want) {
			t.Fatalf("%d accounts: %+v", len(res.Accounts), res.Accounts)
		}
		for _, acc := range res.Accounts {
			w, ok := want[acc.Login]
			if !ok || acc.Role != string(w.role) || acc.Password == "" || acc.Name == "" || acc.Scope == "" {
				t.Fatalf("unexpected account %+v", acc)
			}
			if msg := auth.CheckPolicy(acc.Password, acc.Login); msg != "" {
				t.Fatalf("%s: password fails the policy: %s", acc.Login, msg)
			}
			_, a, err := e.users.Login(ctx, acc.Login, acc.Password)
			if err != nil {
				t.Fatalf("%s: Login: %v", acc.Login, err)
			}
			if !a.MustChange {
				t.Fatalf("%s: a generated password need not be changed at first login", acc.Login)
			}
			sc := a.Scope(auth.OrgRead)
			if w.prefixes == nil {
				if !sc.All {
					t.Fatalf("%s: scope %+v; want everything", acc.Login, sc)
				}
				continue
			}
			if sc.All || !slices.Equal(sc.Prefixes, w.prefixes) {
				t.Fatalf("%s: scope %+v; want %v", acc.Login, sc, w.prefixes)
			}
			if a.Can(auth.OrgRead, xuhui.Path) {
				t.Fatalf("%s can read the Xuhui committee", acc.Login)
			}
		}
		if _, _, err := e.users.Login(ctx, "pudong_cadre", "wrong-Password-1"); err == nil {
			t.Fatal("pudong_cadre logged in with a wrong password")
		}

		// The cadre reads Pudong's subtree and nothing else.
		u, err := e.users.FindUserByLogin(ctx, "pudong_cadre")
		if err != nil {
			t.Fatal(err)
		}
		cadre, err := e.users.Actor(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.orgs.FindByID(ctx, cadre, xuhui.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("cadre reads Xuhui: %v", err)
		}
		p, err := e.orgs.Find(ctx, cadre, org.Filter{Limit: 200})
		if err != nil || len(p.Orgs) == 0 {
			t.Fatalf("cadre Find: %d, %v", len(p.Orgs), err)
		}
		for _, o := range p.Orgs {
			if o.Path[:len(pudong.Path)] != pudong.Path {
				t.Fatalf("cadre sees %s %s outside Pudong", o.Code, o.Name)
			}
		}
		if cadre.Can(auth.OrgManage, pudong.Path) || !cadre.Can(auth.OrgWrite, pudong.Path) {
			t.Fatal("cadre: OrgWrite but not OrgManage expected on Pudong")
		}
	})
}
