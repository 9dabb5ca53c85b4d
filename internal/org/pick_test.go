package org_test

import (
	"fmt"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/org"
)

func TestInitials(t *testing.T) {
	for in, want := range map[string]string{"徐汇区团委": "xhqtw", "长宁区团委": "cnqtw", "闵行区团委": "mhqtw",
		"上海农商银行团委": "shnsyhtw", "IBM中国团委": "ibmzgtw", "": ""} {
		if got := org.Initials(in); got != want {
			t.Errorf("Initials(%q) = %q, want %q", in, got, want)
		}
	}
}

// pickFixture adds organizations with Chinese names to the fixture:
// 徐汇区团委 (XH, short 徐汇团区委) under D1 and 徐家汇街道团工委 (XJH) under D2.
func pickFixture(t *testing.T, f *fixture) (xh, xjh *org.Org) {
	t.Helper()
	var err error
	xh, err = f.orgs.Create(f.ctx, f.admin, f.d1.ID, org.Input{Name: "徐汇区团委", ShortName: "徐汇团区委", Code: "XH", Level: org.LevelUnit})
	if err != nil {
		t.Fatal(err)
	}
	xjh, err = f.orgs.Create(f.ctx, f.admin, f.d2.ID, org.Input{Name: "徐家汇街道团工委", Code: "XJH", Level: org.LevelUnit})
	if err != nil {
		t.Fatal(err)
	}
	return xh, xjh
}

func TestPick(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		xh, _ := pickFixture(t, f)
		d1Admin := f.actor(t, "d1.admin", f.d1.ID, auth.OrgAdmin, "org", f.d1.ID)
		pick := func(by *auth.Actor, p org.Pick) string {
			t.Helper()
			orgs, err := f.orgs.Pick(f.ctx, by, p)
			if err != nil {
				t.Fatalf("Pick(%+v): %v", p, err)
			}
			return fmt.Sprint(codes(orgs))
		}
		for _, c := range []struct {
			name string
			by   *auth.Actor
			p    org.Pick
			want string
		}{
			{"name prefix, in name order", f.admin, org.Pick{Query: "徐"}, "[XJH XH]"},
			{"short name", f.admin, org.Pick{Query: "徐汇团"}, "[XH]"},
			{"name initials", f.admin, org.Pick{Query: "xjh"}, "[XJH]"},
			{"short initials", f.admin, org.Pick{Query: "XHTQ"}, "[XH]"},
			// The exact code comes first, then the codes it begins.
			{"code, any case", f.admin, org.Pick{Query: "xh"}, "[XH]"},
			{"exact code first", f.admin, org.Pick{Query: "XJH"}, "[XJH]"},
			{"exact code before names", f.admin, org.Pick{Query: "D1"}, "[D1]"},
			{"code prefix", f.admin, org.Pick{Query: "B"}, "[B1 B2 B3]"},
			{"scope", d1Admin, org.Pick{Query: "徐"}, "[XH]"},
			{"scope by code", d1Admin, org.Pick{Query: "XJH"}, "[]"},
			{"under", f.admin, org.Pick{Query: "徐", Under: f.d2.ID}, "[XJH]"},
			{"except", f.admin, org.Pick{Query: "U", Except: f.d1.ID}, "[U2 U3]"},
			{"except, small scope", d1Admin, org.Pick{Query: "B", Except: f.u1.ID}, "[]"},
			{"perm scope", d1Admin, org.Pick{Query: "U", Perm: auth.OrgManage}, "[U1]"},
			{"empty query", f.admin, org.Pick{Query: "  "}, "[]"},
			{"no such permission held", f.sec, org.Pick{Query: "徐"}, "[]"},
			{"secadmin for grants", f.sec, org.Pick{Query: "徐", Perm: auth.UserWrite}, "[XJH XH]"},
		} {
			if got := pick(c.by, c.p); got != c.want {
				t.Errorf("%s: Pick(%+v) = %s, want %s", c.name, c.p, got, c.want)
			}
		}
		if _, err := f.orgs.Pick(f.ctx, d1Admin, org.Pick{Query: "徐", Under: f.d2.ID}); errs.KindOf(err) != errs.NotFound {
			t.Errorf("Pick under a subtree outside the scope: %v, want NotFound", err)
		}
		if _, err := org.PickPerm("audit.read"); errs.KindOf(err) != errs.Invalid {
			t.Errorf("PickPerm(audit.read) = %v, want Invalid", err)
		}

		// Archived organizations are not offered; a rename changes the initials.
		if _, err := f.orgs.Archive(f.ctx, f.admin, f.b3.ID); err != nil {
			t.Fatal(err)
		}
		if got := pick(f.admin, org.Pick{Query: "B"}); got != "[B1 B2]" {
			t.Errorf("after archiving B3: %s", got)
		}
		in := org.Input{Name: "长宁区团委", Code: xh.Code, Level: xh.Level}
		if _, err := f.orgs.Update(f.ctx, f.admin, xh.ID, in); err != nil {
			t.Fatal(err)
		}
		if got := pick(f.admin, org.Pick{Query: "cnq"}); got != "[XH]" {
			t.Errorf("after renaming XH: %s", got)
		}

		// FillInitials repairs rows written around the service.
		if _, err := f.d.W().ExecContext(f.ctx, `UPDATE orgs SET initials = '', short_initials = ''`); err != nil {
			t.Fatal(err)
		}
		if got := pick(f.admin, org.Pick{Query: "xjh"}); got != "[XJH]" { // the code still matches
			t.Errorf("without initials: %s", got)
		}
		if got := pick(f.admin, org.Pick{Query: "xjhjd"}); got != "[]" {
			t.Errorf("without initials: %s", got)
		}
		if err := f.orgs.FillInitials(f.ctx); err != nil {
			t.Fatal(err)
		}
		if got := pick(f.admin, org.Pick{Query: "xjhjd"}); got != "[XJH]" {
			t.Errorf("after FillInitials: %s", got)
		}
	})
}

func TestPickLimit(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		for i := range org.PickLimit + 5 {
			f.mk(t, f.u1, fmt.Sprintf("P%02d", i), org.LevelBranch)
		}
		orgs, err := f.orgs.Pick(f.ctx, f.admin, org.Pick{Query: "P"})
		if err != nil {
			t.Fatal(err)
		}
		if len(orgs) != org.PickLimit || orgs[0].Code != "P00" {
			t.Errorf("Pick(P) = %d organizations from %v, want %d from P00", len(orgs), codes(orgs[:1]), org.PickLimit)
		}
	})
}

func TestFindByCode(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		d1Viewer := f.actor(t, "d1.viewer", f.d1.ID, auth.Viewer, "org", f.d1.ID)
		if o, err := f.orgs.FindByCode(f.ctx, d1Viewer, auth.OrgRead, " U1 "); err != nil || o.ID != f.u1.ID {
			t.Errorf("FindByCode(U1) = %v, %v", o, err)
		}
		for _, code := range []string{"U2", "nope", ""} {
			if _, err := f.orgs.FindByCode(f.ctx, d1Viewer, auth.OrgRead, code); errs.KindOf(err) != errs.NotFound {
				t.Errorf("FindByCode(%q) = %v, want NotFound", code, err)
			}
		}
		if _, err := f.orgs.FindByCode(f.ctx, d1Viewer, auth.OrgWrite, "U1"); errs.KindOf(err) != errs.NotFound {
			t.Errorf("FindByCode(U1) for org.write as a viewer = %v, want NotFound", err)
		}
	})
}
