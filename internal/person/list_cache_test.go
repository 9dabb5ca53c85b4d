package person_test

import (
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/person"
)

// peopleVersion reads the counter as a session would.
func (f *fixture) peopleVersion(t *testing.T) string {
	t.Helper()
	var v string
	if err := f.d.R().QueryRowContext(f.ctx, `SELECT COALESCE((SELECT value FROM settings WHERE key = 'people_version'), '0')`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// session is a as a request would see it: with the people version just read.
func (f *fixture) session(t *testing.T, a *auth.Actor) *auth.Actor {
	c := *a
	c.PeopleVersion = f.peopleVersion(t)
	return &c
}

// Every way a person is written moves the people version, so no cached list
// outlives a change; a reader holding the new version sees the change at
// once, and one holding an older version never fills the cache with it.
func TestListCacheFollowsEveryWrite(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.add(t, "张三", f.b1)
		names := func(a *auth.Actor) []string {
			t.Helper()
			pg, err := f.people.Find(f.ctx, a, person.Filter{Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, x := range pg.People {
				out = append(out, x.Name+"@"+x.OrgPath)
			}
			return out
		}
		count := func(a *auth.Actor) int64 {
			t.Helper()
			c, err := f.people.Count(f.ctx, a, person.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			return c.N
		}
		cadre2 := f.actor(t, "d2.cadre", auth.Cadre, "org", f.d2.ID)
		var self int64 // the user linked to p
		steps := []struct {
			name  string
			write func()
		}{
			{"create", func() { f.add(t, "李四", f.b1) }},
			{"update", func() {
				in := f.input("张三丰", f.b1)
				got, err := f.people.Get(f.ctx, f.admin, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				in.IDNumber = ""
				in.Phone = ""
				in.Gender, in.BirthDate = got.Gender, got.BirthDate
				if _, err := f.people.Update(f.ctx, f.admin, p.ID, in); err != nil {
					t.Fatalf("update: %v", err)
				}
			}},
			{"bulk import", func() {
				if _, _, err := f.people.Bulk(f.ctx, f.admin, []person.Input{f.input("王五", f.b1)}); err != nil {
					t.Fatal(err)
				}
			}},
			{"transfer", func() {
				tr, err := f.people.RequestTransfer(f.ctx, f.cadre1, p.ID, person.TransferInput{ToOrgCode: f.u2.Code, Reason: "调动"})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := f.people.ApproveTransfer(f.ctx, cadre2, tr.ID, ""); err != nil {
					t.Fatal(err)
				}
			}},
			{"login linked", func() {
				l, err := f.people.LinkLogin(f.ctx, f.admin, f.auth, p.ID, person.LinkInput{})
				if err != nil {
					t.Fatalf("link: %v", err)
				}
				self = l.UserID
			}},
			{"own contact edited", func() {
				phone := f.phone()
				if _, err := f.people.UpdateOwnContact(f.ctx, f.reload(t, self), person.ContactUpdate{Phone: &phone}); err != nil {
					t.Fatalf("own contact: %v", err)
				}
			}},
			{"organization move", func() {
				if _, err := f.orgs.Move(f.ctx, f.admin, f.b1.ID, f.u1.ID); err != nil {
					t.Fatal(err)
				}
			}},
		}
		for _, st := range steps {
			before := f.session(t, f.admin)
			list, n := names(before), count(before)
			if again := names(before); len(again) != len(list) {
				t.Fatalf("%s: the same version gave %v then %v", st.name, list, again)
			}
			st.write()
			after := f.session(t, f.admin)
			if after.PeopleVersion == before.PeopleVersion {
				t.Errorf("%s did not move the people version (%s)", st.name, before.PeopleVersion)
				continue
			}
			// The old version's reader may keep its page; the new one reads afresh.
			fresh := names(&auth.Actor{Grants: f.admin.Grants}) // no version: straight from the database
			if got := names(after); len(got) != len(fresh) || (len(got) > 0 && got[0] != fresh[0]) {
				t.Errorf("%s: a reader of the new version got %v, the database holds %v", st.name, got, fresh)
			}
			if got, want := count(after), count(&auth.Actor{Grants: f.admin.Grants}); got != want {
				t.Errorf("%s: count under the new version %d, database %d", st.name, got, want)
			}
			// A request still holding the old version does not put old data back.
			_ = names(before)
			if got := names(after); len(got) != len(fresh) {
				t.Errorf("%s: after an old reader, the new version got %v", st.name, got)
			}
			if n == 0 {
				t.Errorf("%s: nobody counted before the write", st.name)
			}
		}
	})
}
