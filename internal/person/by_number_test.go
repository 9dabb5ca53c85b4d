package person_test

import (
	"testing"

	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/errs"
	"qinggong/internal/person"
	"qinggong/internal/pii"
	"qinggong/internal/svctest"
)

// TestByIDNumber: a form's ID number finds its one person in the actor's
// scope, typed with full-width digits and spaces too; a name (even one
// person's only) or a number outside the scope finds nobody.
func TestByIDNumber(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := svctest.New(t, d)
		first17 := "31011519990101123"
		number := first17 + string(pii.CheckChar(first17))
		p, err := f.People.Create(f.Ctx, f.City, person.Input{Name: "独一", OrgID: f.B1.ID, IDNumber: number})
		if err != nil {
			t.Fatal(err)
		}
		wide := ""
		for _, r := range number[:6] + " " + number[6:] {
			if r >= '0' && r <= '9' {
				r += '０' - '0'
			}
			wide += string(r)
		}
		for _, typed := range []string{number, wide} {
			got, err := f.People.ByIDNumber(f.Ctx, f.U1, typed)
			if err != nil || got.ID != p.ID {
				t.Errorf("%q: %+v, %v", typed, got, err)
			}
		}
		for _, c := range []struct {
			typed string
			by    string
		}{{"独一", "u1"}, {"独", "u1"}, {number, "b2"}, {"", "u1"}} {
			by := f.U1
			if c.by == "b2" {
				by = f.B2
			}
			if _, err := f.People.ByIDNumber(f.Ctx, by, c.typed); errs.KindOf(err) != errs.NotFound {
				t.Errorf("%q as %s: %v, want NotFound", c.typed, c.by, err)
			}
		}
	})
}
