package person_test

import (
	"fmt"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/org"
	"qinggong/internal/person"
)

// scoped is a fixture with a person in each part of the tree:
//
//	张三 at D1, 张山 deep at B1 (D1/U1/G1/B1), 张松 at D2, 李四 at B2, 王五 at U2
type scoped struct {
	*fixture
	in           map[string]person.Input
	p            map[string]*person.Person
	d1Admin      *auth.Actor // org_admin on D1: holds RevealPII there
	region       *org.Region // members U1 and B2
	regionViewer *auth.Actor
}

func newScoped(t *testing.T, f *fixture) *scoped {
	t.Helper()
	s := &scoped{fixture: f, in: map[string]person.Input{}, p: map[string]*person.Person{}}
	for name, o := range map[string]*org.Org{"张三": f.d1, "张山": f.b1, "张松": f.d2, "李四": f.b2, "王五": f.u2} {
		in := f.input(name, o)
		p := f.create(t, f.admin, in)
		// A level certified once registered: one ledger entry each.
		in.SkillLevel = 2
		if _, err := f.people.Update(f.ctx, f.admin, p.ID, in); err != nil {
			t.Fatal(err)
		}
		s.in[name], s.p[name] = in, p
	}
	s.d1Admin = f.actor(t, "d1.admin", auth.OrgAdmin, "org", f.d1.ID)
	r, err := f.orgs.CreateRegion(f.ctx, f.admin, org.RegionInput{OrgID: f.root.ID, Name: "滨江"})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []*org.Org{f.u1, f.b2} {
		if err := f.orgs.AddMember(f.ctx, f.admin, r.ID, o.ID); err != nil {
			t.Fatal(err)
		}
	}
	s.region = r
	s.regionViewer = f.actor(t, "region.viewer", auth.Viewer, "region", r.ID)
	return s
}

// wantHidden checks that every read of the person answers NotFound for by.
func (s *scoped) wantHidden(t *testing.T, by *auth.Actor, name string) {
	t.Helper()
	id := s.p[name].ID
	_, err := s.people.Get(s.ctx, by, id)
	wantKind(t, err, errs.NotFound)
	_, err = s.people.Timeline(s.ctx, by, id, 0, 0)
	wantKind(t, err, errs.NotFound)
	_, err = s.people.Skills(s.ctx, by, id)
	wantKind(t, err, errs.NotFound)
	_, err = s.people.Reveal(s.ctx, by, id)
	wantKind(t, err, errs.NotFound)
	_, err = s.people.Update(s.ctx, by, id, s.in[name])
	wantKind(t, err, errs.NotFound)
}

func (s *scoped) wantVisible(t *testing.T, by *auth.Actor, name string) {
	t.Helper()
	id := s.p[name].ID
	if p, err := s.people.Get(s.ctx, by, id); err != nil || p.Name != name {
		t.Errorf("Get %s = %v, %v", name, p, err)
	}
	if tl, err := s.people.Timeline(s.ctx, by, id, 0, 0); err != nil || len(tl) != 1 {
		t.Errorf("Timeline %s = %d rows, %v", name, len(tl), err)
	}
	if sk, err := s.people.Skills(s.ctx, by, id); err != nil || len(sk) != 1 {
		t.Errorf("Skills %s = %d rows, %v", name, len(sk), err)
	}
}

func TestScope(t *testing.T) {
	t.Parallel()
	t.Run("DistrictCadre", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			s := newScoped(t, f)
			mark := f.mark(t)
			for _, name := range []string{"张松", "李四", "王五"} {
				t.Run("Hidden/"+name, func(t *testing.T) {
					s.wantHidden(t, f.cadre1, name)
					s.wantHidden(t, s.d1Admin, name)
				})
			}
			for _, name := range []string{"张三", "张山"} {
				t.Run("Visible/"+name, func(t *testing.T) { s.wantVisible(t, f.cadre1, name) })
			}
			if a := f.auditSince(t, mark); len(a) != 0 {
				t.Errorf("refused reads audited: %q", a)
			}
			t.Run("Find", func(t *testing.T) {
				for _, tc := range []struct {
					name string
					fl   person.Filter
					want string
				}{
					{"All", person.Filter{}, "[张三 张山]"},
					{"StatusAll", person.Filter{Status: "all"}, "[张三 张山]"},
					{"UnderD1", person.Filter{Under: f.d1.ID}, "[张三 张山]"},
					{"UnderB1Deep", person.Filter{Under: f.b1.ID}, "[张山]"},
					{"NamePrefix", person.Filter{Query: "张"}, "[张三 张山]"},
					{"Initials", person.Filter{Query: "zs"}, "[张三 张山]"},
					{"OtherID", person.Filter{Query: s.in["张松"].IDNumber, Status: "all"}, "[]"},
					{"OtherPhone", person.Filter{Query: s.in["李四"].Phone}, "[]"},
					{"OtherName", person.Filter{Query: "李四"}, "[]"},
					{"OwnID", person.Filter{Query: s.in["张山"].IDNumber}, "[张山]"},
				} {
					t.Run(tc.name, func(t *testing.T) {
						if got := f.names(t, f.cadre1, tc.fl); got != tc.want {
							t.Errorf("find = %s, want %s", got, tc.want)
						}
						if c := f.counted(t, f.cadre1, tc.fl); c.N != int64(len(f.findAll(t, f.cadre1, tc.fl))) || c.Capped {
							t.Errorf("count = %+v", c)
						}
					})
				}
			})
			t.Run("ErrNotFound", func(t *testing.T) {
				for _, fl := range []person.Filter{{Under: f.d2.ID}, {Under: f.b2.ID, Query: "李"}, {Under: f.root.ID},
					{Under: 999999}, {Region: s.region.ID}} {
					_, err := f.people.Find(f.ctx, f.cadre1, fl)
					wantKind(t, err, errs.NotFound)
					_, err = f.people.Count(f.ctx, f.cadre1, fl)
					wantKind(t, err, errs.NotFound)
				}
			})
		})
	})
	t.Run("RegionViewer", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			s := newScoped(t, f)
			v := s.regionViewer
			for _, name := range []string{"张山", "李四"} {
				s.wantVisible(t, v, name)
			}
			for _, name := range []string{"张三", "张松", "王五"} {
				s.wantHidden(t, v, name)
			}
			for _, tc := range []struct {
				name string
				fl   person.Filter
				want string
			}{
				{"All", person.Filter{}, "[张山 李四]"},
				{"Initials", person.Filter{Query: "zs"}, "[张山]"},
				{"UnderG1", person.Filter{Under: f.g1.ID}, "[张山]"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					if got := f.names(t, v, tc.fl); got != tc.want {
						t.Errorf("find = %s, want %s", got, tc.want)
					}
					if c := f.counted(t, v, tc.fl); c.N != int64(len(f.findAll(t, v, tc.fl))) {
						t.Errorf("count = %+v", c)
					}
				})
			}
			_, err := f.people.Find(f.ctx, v, person.Filter{Under: f.d2.ID})
			wantKind(t, err, errs.NotFound)
		})
	})
	t.Run("RegionFilter", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			s := newScoped(t, f)
			fl := person.Filter{Region: s.region.ID}
			if got := f.names(t, f.admin, fl); got != "[张山 李四]" {
				t.Errorf("admin find by region = %s", got)
			}
			if c := f.counted(t, f.admin, fl); c.N != 2 {
				t.Errorf("admin count by region = %+v", c)
			}
			fl.Under = f.d2.ID
			if got := f.names(t, f.admin, fl); got != "[李四]" {
				t.Errorf("admin find by region under D2 = %s", got)
			}
			if c := f.counted(t, f.admin, fl); c.N != 1 {
				t.Errorf("admin count by region under D2 = %+v", c)
			}
		})
	})
}

// A region spanning two districts, read through the district-led indexes
// (each district's part of the region in turn, merged in name order),
// gives what the path walk gives, to its viewer and to the administrator
// filtering by it; nothing outside the region leaks in.
func TestRegionThroughDistricts(t *testing.T) {
	restore := person.SetNameWalkMin(0)
	defer restore()
	each(t, func(t *testing.T, f *fixture) {
		s := newScoped(t, f)
		for _, c := range []struct {
			by   *auth.Actor
			fl   person.Filter
			want string
		}{
			{s.regionViewer, person.Filter{Sort: person.SortName}, "[张山 李四]"},
			{s.regionViewer, person.Filter{Query: "zs"}, "[张山]"},
			{s.regionViewer, person.Filter{Query: "张"}, "[张山]"},
			{s.regionViewer, person.Filter{Query: "l"}, "[李四]"},
			{f.admin, person.Filter{Region: s.region.ID, Sort: person.SortName}, "[张山 李四]"},
			{f.admin, person.Filter{Region: s.region.ID, Query: "z"}, "[张山]"},
		} {
			var got []string
			for _, p := range f.findAll(t, c.by, c.fl) { // in the order served
				got = append(got, p.Name)
			}
			if fmt.Sprint(got) != c.want {
				t.Errorf("%+v: %v, want %s", c.fl, got, c.want)
			}
			if n := f.counted(t, c.by, c.fl); n.N != int64(len(got)) {
				t.Errorf("%+v: count %+v, want %d", c.fl, n, len(got))
			}
		}
	})
}
