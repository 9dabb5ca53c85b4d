package auth_test

import (
	"fmt"
	"strings"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
)

func TestCreateUser(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		t.Run("OK", func(t *testing.T) {
			mark := f.mark(t)
			id, generated, err := f.auth.CreateUser(f.ctx, f.sec, auth.NewUser{Login: " Alice.W ", Name: " Alice ", OrgID: f.u1.ID, Password: testPassword})
			if err != nil {
				t.Fatal(err)
			}
			if generated != "" {
				t.Errorf("a chosen password was echoed: %q", generated)
			}
			if got := fmt.Sprint(f.auditSince(t, mark)); got != "[user.create ok]" {
				t.Errorf("audit = %s", got)
			}
			u, err := f.auth.FindUserByLogin(f.ctx, "alice.w")
			if err != nil {
				t.Fatal(err)
			}
			if u.ID != id || u.Name != "Alice" || u.OrgID != f.u1.ID || u.OrgPath != f.u1.Path || u.OrgName != "Org U1" ||
				u.MustChange || u.Disabled || u.LockedUntil != nil || u.LastLoginAt != nil || !u.CreatedAt.Equal(f.clock.Now()) {
				t.Errorf("user = %+v", u)
			}
			if n := f.count(t, `SELECT count(*) FROM audit WHERE summary LIKE $1`, "%"+testPassword+"%"); n != 0 {
				t.Error("the password is in the audit log")
			}
		})
		t.Run("GeneratedPassword", func(t *testing.T) {
			_, pw, err := f.auth.CreateUser(f.ctx, f.sec, auth.NewUser{Login: "bob", Name: "Bob", OrgID: f.d2.ID})
			if err != nil {
				t.Fatal(err)
			}
			if msg := auth.CheckPolicy(pw, "bob"); pw == "" || msg != "" {
				t.Fatalf("generated password %q: %s", pw, msg)
			}
			_, a := f.login(t, "bob", pw)
			if !a.MustChange {
				t.Error("a generated password must be changed at first login")
			}
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			f.user(t, "alice", f.u1)
			d1Admin := f.actor(t, "d1.admin", f.d1, auth.OrgAdmin, f.d1)
			for _, tc := range []struct {
				name  string
				by    *auth.Actor
				in    auth.NewUser
				field string
				msg   string
			}{
				{"LoginFormat", f.sec, auth.NewUser{Login: "9lives", Name: "X", OrgID: f.u1.ID}, "login", "err.login_format"},
				{"LoginShort", f.sec, auth.NewUser{Login: "ab", Name: "X", OrgID: f.u1.ID}, "login", "err.login_format"},
				{"LoginHan", f.sec, auth.NewUser{Login: "张三", Name: "X", OrgID: f.u1.ID}, "login", "err.login_format"},
				{"NameRequired", f.sec, auth.NewUser{Login: "xavier", Name: " ", OrgID: f.u1.ID}, "name", "err.required"},
				{"NameTooLong", f.sec, auth.NewUser{Login: "xavier", Name: strings.Repeat("名", 61), OrgID: f.u1.ID}, "name", "err.too_long"},
				{"PasswordPolicy", f.sec, auth.NewUser{Login: "xavier", Name: "X", OrgID: f.u1.ID, Password: "Xavier-2025-pw"}, "password", "err.password_login"},
				{"OrgUnknown", f.sec, auth.NewUser{Login: "xavier", Name: "X", OrgID: 999999}, "org_id", "err.org_unknown"},
				{"OrgOutsideScope", d1Admin, auth.NewUser{Login: "xavier", Name: "X", OrgID: f.d2.ID}, "org_id", "err.org_unknown"},
				{"LoginTaken", f.sec, auth.NewUser{Login: "ALICE", Name: "X", OrgID: f.u1.ID}, "login", "err.login_taken"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					mark := f.mark(t)
					_, _, err := f.auth.CreateUser(f.ctx, tc.by, tc.in)
					wantField(t, err, tc.field, tc.msg)
					if got := f.auditSince(t, mark); len(got) != 0 {
						t.Errorf("refused create audited: %v", got)
					}
				})
			}
			if n := f.count(t, `SELECT count(*) FROM users WHERE login = 'xavier'`); n != 0 {
				t.Error("a refused account was stored")
			}
			// Inside its subtree the D1 admin creates accounts.
			if _, _, err := f.auth.CreateUser(f.ctx, d1Admin, auth.NewUser{Login: "xavier", Name: "X", OrgID: f.u1.ID}); err != nil {
				t.Errorf("D1 admin creating in U1: %v", err)
			}
		})
	})
}

func TestFindUsers(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		d1Admin := f.actor(t, "d1.admin", f.d1, auth.OrgAdmin, f.d1)
		alice := f.user(t, "alice", f.u1)
		f.grant(t, alice, auth.Viewer, "org", f.u1.ID)
		f.user(t, "anna", f.d1)
		bob := f.user(t, "bob", f.d2)
		logins := func(by *auth.Actor, fl auth.UserFilter) string {
			t.Helper()
			us, err := f.auth.FindUsers(f.ctx, by, fl)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, u := range us {
				out = append(out, u.Login)
			}
			return fmt.Sprint(out)
		}
		for _, tc := range []struct {
			name string
			by   *auth.Actor
			f    auth.UserFilter
			want string
		}{
			{"SecAdminAll", f.sec, auth.UserFilter{}, "[alice anna bob d1.admin sec]"},
			{"D1AdminScope", d1Admin, auth.UserFilter{}, "[alice anna d1.admin]"},
			{"LoginPrefix", d1Admin, auth.UserFilter{Query: "A"}, "[alice anna]"},
			{"PrefixOutsideScope", d1Admin, auth.UserFilter{Query: "bo"}, "[]"},
			{"AfterCursor", d1Admin, auth.UserFilter{After: "alice", Limit: 1}, "[anna]"},
			{"NoPermission", f.load(t, alice), auth.UserFilter{}, "[]"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := logins(tc.by, tc.f); got != tc.want {
					t.Errorf("logins = %s, want %s", got, tc.want)
				}
			})
		}
		t.Run("FindUserByID", func(t *testing.T) {
			u, err := f.auth.FindUserByID(f.ctx, d1Admin, alice)
			if err != nil {
				t.Fatal(err)
			}
			if u.Login != "alice" || len(u.Grants) != 1 || u.Grants[0].Role != auth.Viewer || u.Grants[0].ScopeID != f.u1.ID {
				t.Errorf("user = %+v", u)
			}
			for _, id := range []int64{bob, 999999} {
				_, err := f.auth.FindUserByID(f.ctx, d1Admin, id)
				wantKind(t, err, errs.NotFound, "err.not_found")
			}
			if _, err := f.auth.FindUserByLogin(f.ctx, "nobody"); errs.KindOf(err) != errs.NotFound {
				t.Errorf("FindUserByLogin unknown: %v", err)
			}
		})
	})
}
