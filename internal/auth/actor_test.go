package auth_test

import (
	"fmt"
	"slices"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/org"
)

func orgGrant(role auth.Role, paths ...string) auth.Grant {
	return auth.Grant{Role: role, ScopeKind: "org", Paths: paths}
}

func TestActorScope(t *testing.T) {
	t.Parallel()
	t.Run("MergesNestedPrefixes", func(t *testing.T) {
		a := &auth.Actor{Grants: []auth.Grant{
			orgGrant(auth.Viewer, "/1/2/5/"),
			orgGrant(auth.Cadre, "/1/2/"),
			orgGrant(auth.Viewer, "/1/20/"),
			orgGrant(auth.Viewer, "/1/2/"),
			{Role: auth.Viewer, ScopeKind: "region", Paths: []string{"/1/3/9/", "/1/3/9/12/", "/1/4/"}},
		}}
		if got := a.Scope(auth.OrgRead); got.All || fmt.Sprint(got.Prefixes) != "[/1/2/ /1/20/ /1/3/9/ /1/4/]" {
			t.Errorf("OrgRead scope = %+v", got)
		}
		if got := a.Scope(auth.OrgWrite); fmt.Sprint(got.Prefixes) != "[/1/2/]" {
			t.Errorf("OrgWrite scope = %+v", got)
		}
		if got := a.Scope(auth.OrgManage); !got.Empty() {
			t.Errorf("OrgManage scope = %+v", got)
		}
		for path, want := range map[string]bool{"/1/2/": true, "/1/2/5/7/": true, "/1/20/": true, "/1/21/": false, "/1/": false, "/1/3/": false, "/1/3/9/": true} {
			if got := a.Can(auth.OrgRead, path); got != want {
				t.Errorf("Can(OrgRead, %s) = %v", path, got)
			}
		}
		if got := a.Can(auth.OrgWrite, "/1/20/"); got {
			t.Error("cadre grant on /1/2/ writes /1/20/")
		}
	})
	t.Run("All", func(t *testing.T) {
		for name, a := range map[string]*auth.Actor{
			"RootGrant":   {Grants: []auth.Grant{orgGrant(auth.Viewer, "/1/5/"), orgGrant(auth.Viewer, "/1/")}},
			"GlobalGrant": {Grants: []auth.Grant{{Role: auth.SecAdmin, ScopeKind: "global"}}},
		} {
			p := auth.OrgRead
			if name == "GlobalGrant" {
				p = auth.UserRead
			}
			if got := a.Scope(p); !got.All || !got.Contains("/9/9/") {
				t.Errorf("%s: scope = %+v", name, got)
			}
		}
	})
	t.Run("Anonymous", func(t *testing.T) {
		var a *auth.Actor
		if !a.Can(auth.Public, "") || a.Can(auth.Authenticated, "") || a.Can(auth.OrgRead, "/1/") || !a.Scope(auth.OrgRead).Empty() {
			t.Error("nil actor")
		}
		empty := &auth.Actor{Grants: []auth.Grant{{Role: auth.Viewer, ScopeKind: "region"}}}
		if !empty.Can(auth.Authenticated, "") || empty.HasAnywhere(auth.OrgRead) || empty.Can(auth.OrgRead, "/1/") {
			t.Error("a grant on an empty region reaches something")
		}
	})
	t.Run("MainRole", func(t *testing.T) {
		a := &auth.Actor{Grants: []auth.Grant{orgGrant(auth.Viewer, "/1/"), {Role: auth.Auditor, ScopeKind: "global"}}}
		if a.MainRole() != "auditor" {
			t.Errorf("MainRole = %s", a.MainRole())
		}
		if b := (&auth.Actor{Grants: []auth.Grant{orgGrant(auth.Cadre, "/1/")}}); b.MainRole() != "cadre" || b.Officer() != "" {
			t.Errorf("MainRole = %s", b.MainRole())
		}
	})
}

// TestScopeWhere runs the condition against real rows, with a sibling whose
// path has the scope's path as a string prefix ("/1/20/" beside "/1/2/").
func TestScopeWhere(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		trap := f.d1.ID * 10
		trapChild := trap*10 + 1
		now := f.clock.Now()
		for _, o := range []struct {
			id, parent int64
			path       string
			depth      int
		}{
			{trap, f.root.ID, fmt.Sprintf("%s%d/", f.root.Path, trap), 2},
			{trapChild, trap, fmt.Sprintf("%s%d/%d/", f.root.Path, trap, trapChild), 3},
		} {
			f.exec(t, `INSERT INTO orgs (id, parent_id, path, depth, name, code, level, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $5, 'unit', $6, $6)`, o.id, o.parent, o.path, o.depth, fmt.Sprint("T", o.id), now)
		}
		selected := func(t *testing.T, s auth.Scope) []int64 {
			t.Helper()
			var a db.Args
			rows, err := f.d.R().QueryContext(f.ctx, `SELECT id FROM orgs WHERE `+s.Where("path", &a)+` ORDER BY id`, a.List()...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			ids := []int64{}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			return ids
		}
		load := func(login string, grants ...*org.Org) *auth.Actor {
			id := f.user(t, login, f.root)
			for _, o := range grants {
				f.grant(t, id, auth.Viewer, "org", o.ID)
			}
			return f.load(t, id)
		}
		trapOrg := &org.Org{ID: trap}
		for _, tc := range []struct {
			name string
			a    *auth.Actor
			want []int64
		}{
			{"OneSubtree", load("d1viewer", f.d1), []int64{f.d1.ID, f.u1.ID}},
			{"Leaf", load("u1viewer", f.u1), []int64{f.u1.ID}},
			{"TrapSubtree", load("trapviewer", trapOrg), []int64{trap, trapChild}},
			{"TwoSubtrees", load("twoviewer", f.d1, f.d2), []int64{f.d1.ID, f.d2.ID, f.u1.ID}},
			{"NestedMerged", load("nestviewer", f.u1, f.d1), []int64{f.d1.ID, f.u1.ID}},
			{"Root", load("rootviewer", f.root), []int64{f.root.ID, f.d1.ID, f.d2.ID, f.u1.ID, trap, trapChild}},
			{"None", load("noviewer"), []int64{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s := tc.a.Scope(auth.OrgRead)
				got := selected(t, s)
				want := slices.Clone(tc.want)
				slices.Sort(want)
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("Where(%+v) selects %v, want %v", s, got, want)
				}
				// Contains agrees with Where row by row.
				for _, id := range []int64{f.root.ID, f.d1.ID, f.d2.ID, f.u1.ID, trap, trapChild} {
					var path string
					if err := f.d.R().QueryRowContext(f.ctx, `SELECT path FROM orgs WHERE id = $1`, id).Scan(&path); err != nil {
						t.Fatal(err)
					}
					if s.Contains(path) != slices.Contains(want, id) {
						t.Errorf("Contains(%s) = %v, Where disagrees", path, s.Contains(path))
					}
				}
			})
		}
		if s := load("merged", f.u1, f.d1).Scope(auth.OrgRead); len(s.Prefixes) != 1 || s.Prefixes[0] != f.d1.Path {
			t.Errorf("nested grants scope = %+v", s)
		}
	})
}
