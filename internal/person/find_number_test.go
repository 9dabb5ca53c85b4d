package person_test

import (
	"strings"
	"testing"

	"qinggong/internal/person"
)

// An ID-card or phone number is found however it is typed: full-width
// digits, spaces and dashes (issue 10); forms read it the same way.
func TestFindNumberAsTyped(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		in := f.input("号码", f.b1)
		wide := func(s string) string {
			return strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r - '0' + '０'
				}
				return r
			}, s)
		}
		id, phone := in.IDNumber, in.Phone
		in.IDNumber, in.Phone = wide(id[:6])+" "+id[6:], phone[:3]+"-"+phone[3:7]+"-"+phone[7:]
		p := f.create(t, f.admin, in)
		if r, _ := f.people.Reveal(f.ctx, f.admin, p.ID); r.IDNumber != id || r.Phone != phone {
			t.Fatalf("stored %q %q, want %q %q", r.IDNumber, r.Phone, id, phone)
		}
		for _, q := range []string{id, wide(id), id[:6] + " " + id[6:14] + " " + id[14:], phone, wide(phone), phone[:3] + " " + phone[3:7] + " " + phone[7:],
			phone[:3] + "-" + phone[3:7] + "-" + phone[7:]} {
			got, err := f.people.Find(f.ctx, f.admin, person.Filter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			if len(got.People) != 1 || got.People[0].ID != p.ID {
				t.Errorf("search %q found %d people", q, len(got.People))
			}
		}
	})
}
