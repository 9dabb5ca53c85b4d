package person_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/person"
)

// linked creates a person at b1 with a login of their own and returns the
// person, their full ID number and the login's actor.
func (f *fixture) linked(t *testing.T, name string) (*person.Person, string, *auth.Actor) {
	t.Helper()
	in := f.input(name, f.b1)
	p := f.create(t, f.admin, in)
	l, err := f.people.LinkLogin(f.ctx, f.admin, f.auth, p.ID, person.LinkInput{})
	if err != nil {
		t.Fatalf("link %s: %v", name, err)
	}
	return p, in.IDNumber, f.reload(t, l.UserID)
}

func TestLinkLogin(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		p := f.add(t, "张三", f.b1)
		other := f.add(t, "李四", f.b2)
		d1admin := f.actor(t, "d1.admin", auth.OrgAdmin, "org", f.d1.ID)
		t.Run("ErrForbidden", func(t *testing.T) {
			before := f.written(t)
			_, err := f.people.LinkLogin(f.ctx, f.cadre1, f.auth, p.ID, person.LinkInput{}) // person.write, no user.write
			wantKind(t, err, errs.Forbidden)
			_, err = f.people.LinkLogin(f.ctx, f.viewer1, f.auth, p.ID, person.LinkInput{})
			wantKind(t, err, errs.NotFound)
			_, err = f.people.LinkLogin(f.ctx, d1admin, f.auth, other.ID, person.LinkInput{}) // another district
			wantKind(t, err, errs.NotFound)
			if after := f.written(t); after != before {
				t.Errorf("refused links wrote: %s → %s", before, after)
			}
		})
		mark := f.mark(t)
		l, err := f.people.LinkLogin(f.ctx, d1admin, f.auth, p.ID, person.LinkInput{})
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^zs\d{4}$`).MatchString(l.Login) || l.Password == "" || l.UserID == 0 {
			t.Errorf("generated login = %+v", l)
		}
		u, err := f.auth.FindUserByID(f.ctx, f.admin, l.UserID)
		if err != nil || !u.MustChange || u.OrgID != f.b1.ID || len(u.Grants) != 0 || u.Name != "张三" {
			t.Errorf("account = %+v, %v; want must_change, homed at B1, no grants", u, err)
		}
		if got := f.auditSince(t, mark); len(got) != 2 || !strings.HasPrefix(got[0], "user.create") ||
			got[1] != "person.link "+strconv.FormatInt(p.ID, 10)+" user="+strconv.FormatInt(l.UserID, 10)+" created=true" {
			t.Errorf("audit = %q", got)
		}
		if me, err := f.people.Self(f.ctx, f.reload(t, l.UserID)); err != nil || me.ID != p.ID {
			t.Errorf("Self = %v, %v", me, err)
		}
		_, err = f.people.LinkLogin(f.ctx, f.admin, f.auth, p.ID, person.LinkInput{Login: "zhangsan2"})
		wantKind(t, err, errs.Conflict)

		t.Run("Existing", func(t *testing.T) {
			q := f.add(t, "王五", f.b1)
			_, err := f.people.LinkLogin(f.ctx, f.admin, f.auth, q.ID, person.LinkInput{Login: "nobody", Existing: true})
			wantFields(t, err, map[string]string{"login": "err.link_user_unknown"})
			_, err = f.people.LinkLogin(f.ctx, f.admin, f.auth, q.ID, person.LinkInput{Login: "d1.viewer", Existing: true})
			wantFields(t, err, map[string]string{"login": "err.link_user_roles"})
			_, err = f.people.LinkLogin(f.ctx, f.admin, f.auth, q.ID, person.LinkInput{Login: l.Login, Existing: true})
			wantFields(t, err, map[string]string{"login": "err.link_taken"})
			id, _, err := f.auth.CreateUser(f.ctx, f.sec, auth.NewUser{Login: "wangwu", Name: "王五", OrgID: f.d2.ID, Password: testPassword})
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.people.LinkLogin(f.ctx, d1admin, f.auth, q.ID, person.LinkInput{Login: "wangwu", Existing: true})
			wantFields(t, err, map[string]string{"login": "err.link_user_unknown"}) // homed outside D1
			got, err := f.people.LinkLogin(f.ctx, f.admin, f.auth, q.ID, person.LinkInput{Login: " WangWu ", Existing: true})
			if err != nil || got.UserID != id || got.Password != "" {
				t.Errorf("link existing = %+v, %v", got, err)
			}
		})
		t.Run("Unlink", func(t *testing.T) {
			wantKind(t, f.people.UnlinkLogin(f.ctx, f.cadre1, p.ID), errs.Forbidden)
			if err := f.people.UnlinkLogin(f.ctx, d1admin, p.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := f.people.Self(f.ctx, f.reload(t, l.UserID)); !errors.Is(err, person.ErrNotLinked) {
				t.Errorf("Self after unlink = %v, want ErrNotLinked", err)
			}
			wantKind(t, f.people.UnlinkLogin(f.ctx, d1admin, p.ID), errs.Conflict)
			if _, err := f.auth.FindUserByID(f.ctx, f.admin, l.UserID); err != nil {
				t.Errorf("the account went with the link: %v", err)
			}
		})
	})
}

// A young worker reaches their own record and nobody else's, and not
// through the staff services either.
func TestSelfOnlyOwn(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		p1, id1, w1 := f.linked(t, "张三")
		p2, id2, _ := f.linked(t, "李四")
		if me, err := f.people.Self(f.ctx, w1); err != nil || me.ID != p1.ID || me.IDMasked == id1 {
			t.Fatalf("Self = %+v, %v", me, err)
		}
		if _, err := f.people.Get(f.ctx, w1, p2.ID); errs.KindOf(err) != errs.NotFound {
			t.Errorf("Get of another person = %v, want NotFound", err)
		}
		if _, err := f.people.Consents(f.ctx, w1, p2.ID); errs.KindOf(err) != errs.NotFound {
			t.Errorf("Consents of another person = %v, want NotFound", err)
		}
		if _, err := f.people.Self(f.ctx, f.viewer1); !errors.Is(err, person.ErrNotLinked) {
			t.Errorf("Self of an unlinked login = %v", err)
		}
		d, err := f.people.DownloadOwn(f.ctx, w1, person.FormatJSON)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(d)
		if d.Record.ID != p1.ID || d.Record.IDNumber != id1 || !strings.Contains(string(b), `"id_number":"`+id1+`"`) ||
			strings.Contains(string(b), id2) || strings.Contains(string(b), "李四") {
			t.Errorf("download holds the wrong data: %s", b)
		}
	})
}

func TestUpdateOwnContact(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		p, _, w := f.linked(t, "张三")
		bad, badMail := "12345", "not-an-email"
		before := f.written(t)
		_, err := f.people.UpdateOwnContact(f.ctx, w, person.ContactUpdate{Phone: &bad, Email: &badMail})
		wantFields(t, err, map[string]string{"phone": "err.phone", "email": "err.email"})
		if after := f.written(t); after != before {
			t.Errorf("a refused update wrote: %s → %s", before, after)
		}
		phone, mail := "13911112222", "zs@example.com"
		mark := f.mark(t)
		got, err := f.people.UpdateOwnContact(f.ctx, w, person.ContactUpdate{Phone: &phone, Email: &mail})
		if err != nil {
			t.Fatal(err)
		}
		if got.PhoneMasked != "139****2222" || got.Email != mail {
			t.Errorf("after update: %+v", got)
		}
		if a := f.auditSince(t, mark); len(a) != 1 || a[0] != "person.self_update "+strconv.FormatInt(p.ID, 10)+" fields=phone,email" {
			t.Errorf("audit = %q", a)
		}
		// The same values again change nothing and record nothing.
		mark = f.mark(t)
		if _, err := f.people.UpdateOwnContact(f.ctx, w, person.ContactUpdate{Phone: &phone, Email: &mail}); err != nil {
			t.Fatal(err)
		}
		if a := f.auditSince(t, mark); len(a) != 0 {
			t.Errorf("a no-op update audited %q", a)
		}
		empty := ""
		if got, err = f.people.UpdateOwnContact(f.ctx, w, person.ContactUpdate{Phone: &empty}); err != nil || got.PhoneMasked != "" || got.Email != mail {
			t.Errorf("clear phone: %+v, %v", got, err)
		}
		if _, err := f.people.UpdateOwnContact(f.ctx, f.viewer1, person.ContactUpdate{Phone: &phone}); !errors.Is(err, person.ErrNotLinked) {
			t.Errorf("unlinked update = %v", err)
		}
	})
}

func TestDownloadOwn(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		p, id, w := f.linked(t, "张三")
		in := f.input("张三", f.b1)
		in.IDNumber, in.SkillLevel, in.SkillBody = id, 4, "上海市职业技能鉴定中心"
		if _, err := f.people.Update(f.ctx, f.admin, p.ID, in); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.people.GiveConsent(f.ctx, w, person.PurposeContact); err != nil {
			t.Fatal(err)
		}
		mark := f.mark(t)
		d, err := f.people.DownloadOwn(f.ctx, w, person.FormatXLSX)
		if err != nil {
			t.Fatal(err)
		}
		if d.Record.Phone != in.Phone || len(d.Skills) != 1 || d.Skills[0].Body != in.SkillBody || len(d.Consents) != 1 ||
			len(d.Timeline) != 1 || d.Timeline[0].Kind != person.KindSkill || d.Record.OrgName != "Org B1" {
			t.Errorf("download = %+v", d)
		}
		a := f.auditSince(t, mark)
		if len(a) != 1 || !strings.HasPrefix(a[0], "person.self_download "+strconv.FormatInt(p.ID, 10)+" format=xlsx skills=1") ||
			strings.Contains(a[0], id) || strings.Contains(a[0], in.Phone) {
			t.Errorf("audit = %q", a)
		}
		if _, err := f.people.DownloadOwn(f.ctx, f.viewer1, person.FormatJSON); !errors.Is(err, person.ErrNotLinked) {
			t.Errorf("unlinked download = %v", err)
		}
	})
}
