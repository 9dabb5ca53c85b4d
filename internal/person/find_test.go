package person_test

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"slices"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/org"
	"qinggong/internal/person"
)

// filtered creates the people the filter tests look for (clock: 2025-03-01):
//
//	张三 m 2000-03-01 (25 today)  league  电工 level 3  migrant          active   at D1
//	张山 f 2000-03-02 (24 today)  party   焊工 level 0  builder          active   at B1
//	李四 m 1990-06-15             none    电工 level 5  builder,migrant  left     at D2
//	王五 f 1997-12-31             league       level 0                   aged_out at U1
func filtered(t *testing.T, f *fixture) map[string]person.Input {
	t.Helper()
	people := []struct {
		name, birth string
		male        bool
		org         *org.Org
		edit        func(*person.Input)
	}{
		{"张三", "20000301", true, f.d1, func(in *person.Input) {
			in.Political, in.Trade, in.SkillLevel, in.Tags = person.League, "电工", 3, []string{person.TagMigrant}
		}},
		{"张山", "20000302", false, f.b1, func(in *person.Input) {
			in.Political, in.Trade, in.Tags = person.Party, "焊工", []string{person.TagBuilder}
		}},
		{"李四", "19900615", true, f.d2, func(in *person.Input) {
			in.Trade, in.SkillLevel, in.Status, in.Tags = "电工", 5, person.Left, []string{person.TagBuilder, person.TagMigrant}
		}},
		{"王五", "19971231", false, f.u1, func(in *person.Input) { in.Political, in.Status = person.League, person.AgedOut }},
	}
	out := map[string]person.Input{}
	for _, p := range people {
		in := person.Input{Name: p.name, OrgID: p.org.ID, IDNumber: f.idNumber(p.birth, p.male), Phone: f.phone()}
		p.edit(&in)
		f.create(t, f.admin, in)
		out[p.name] = in
	}
	return out
}

func TestFindFilters(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		in := filtered(t, f)
		for _, tc := range []struct {
			name string
			fl   person.Filter
			want string
		}{
			{"StatusDefaultActive", person.Filter{}, "[张三 张山]"},
			{"StatusAll", person.Filter{Status: "all"}, "[张三 张山 李四 王五]"},
			{"StatusLeft", person.Filter{Status: person.Left}, "[李四]"},
			{"StatusAgedOut", person.Filter{Status: person.AgedOut}, "[王五]"},
			{"NamePrefix", person.Filter{Query: "张", Status: "all"}, "[张三 张山]"},
			{"NameFull", person.Filter{Query: " 李四 ", Status: "all"}, "[李四]"},
			{"NameNoMatch", person.Filter{Query: "三", Status: "all"}, "[]"},
			{"Initials", person.Filter{Query: "zs", Status: "all"}, "[张三 张山]"},
			{"InitialsUpper", person.Filter{Query: "ZS", Status: "all"}, "[张三 张山]"},
			{"InitialsOne", person.Filter{Query: "l", Status: "all"}, "[李四]"},
			{"InitialsNone", person.Filter{Query: "zsx", Status: "all"}, "[]"},
			{"IDExact", person.Filter{Query: in["李四"].IDNumber, Status: "all"}, "[李四]"},
			{"IDPrefixIsNoMatch", person.Filter{Query: in["李四"].IDNumber[:17], Status: "all"}, "[]"},
			{"PhoneExact", person.Filter{Query: in["张山"].Phone}, "[张山]"},
			{"PhoneOther", person.Filter{Query: "13800000000", Status: "all"}, "[]"},
			{"AgeMin25", person.Filter{AgeMin: 25, Status: "all"}, "[张三 李四 王五]"},
			{"AgeMax24", person.Filter{AgeMax: 24, Status: "all"}, "[张山]"},
			{"Age25", person.Filter{AgeMin: 25, AgeMax: 25, Status: "all"}, "[张三]"},
			{"Age24", person.Filter{AgeMin: 24, AgeMax: 24, Status: "all"}, "[张山]"},
			{"Age27To34", person.Filter{AgeMin: 27, AgeMax: 34, Status: "all"}, "[李四 王五]"},
			{"Age27Only", person.Filter{AgeMin: 27, AgeMax: 27, Status: "all"}, "[王五]"},
			{"GenderF", person.Filter{Gender: person.Female, Status: "all"}, "[张山 王五]"},
			{"GenderM", person.Filter{Gender: person.Male}, "[张三]"},
			{"PoliticalParty", person.Filter{Political: person.Party, Status: "all"}, "[张山]"},
			{"PoliticalLeague", person.Filter{Political: person.League, Status: "all"}, "[张三 王五]"},
			{"PoliticalNone", person.Filter{Political: person.None, Status: "all"}, "[李四]"},
			{"Trade", person.Filter{Trade: "电工", Status: "all"}, "[张三 李四]"},
			{"TradeActive", person.Filter{Trade: " 电工 "}, "[张三]"},
			{"SkillNone", person.Filter{SkillLevel: "0", Status: "all"}, "[张山 王五]"},
			{"Skill5", person.Filter{SkillLevel: "5", Status: "all"}, "[李四]"},
			{"Skill3", person.Filter{SkillLevel: "3"}, "[张三]"},
			{"TagMigrant", person.Filter{Tag: person.TagMigrant, Status: "all"}, "[张三 李四]"},
			{"TagBuilderActive", person.Filter{Tag: person.TagBuilder}, "[张山]"},
			{"TagUnknown", person.Filter{Tag: "nobody", Status: "all"}, "[]"},
			{"Combined", person.Filter{Under: f.d1.ID, Gender: person.Female, Political: person.League, Status: "all"}, "[王五]"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := f.names(t, f.admin, tc.fl); got != tc.want {
					t.Errorf("find = %s, want %s", got, tc.want)
				}
				if c := f.counted(t, f.admin, tc.fl); c.N != int64(len(f.findAll(t, f.admin, tc.fl))) || c.Capped {
					t.Errorf("count = %+v, want %s", c, tc.want)
				}
			})
		}
		t.Run("AgeAfterBirthday", func(t *testing.T) {
			f.advanceDays(1) // 2025-03-02: 张山 turns 25
			for _, tc := range []struct {
				fl   person.Filter
				want string
			}{
				{person.Filter{AgeMin: 25, AgeMax: 25, Status: "all"}, "[张三 张山]"},
				{person.Filter{AgeMax: 24, Status: "all"}, "[]"},
			} {
				if got := f.names(t, f.admin, tc.fl); got != tc.want {
					t.Errorf("find %+v = %s, want %s", tc.fl, got, tc.want)
				}
			}
		})
	})
}

func TestFindErrInvalid(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		f.add(t, "张三", f.d1)
		enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
		for _, tc := range []struct {
			name  string
			fl    person.Filter
			field string
			msg   string
		}{
			{"Gender", person.Filter{Gender: "x"}, "gender", "err.invalid"},
			{"Political", person.Filter{Political: "communist"}, "political", "err.invalid"},
			{"SkillLevelHigh", person.Filter{SkillLevel: "6"}, "skill_level", "err.skill_level"},
			{"SkillLevelText", person.Filter{SkillLevel: "abc"}, "skill_level", "err.skill_level"},
			{"SkillLevelNegative", person.Filter{SkillLevel: "-1"}, "skill_level", "err.skill_level"},
			{"Status", person.Filter{Status: "gone"}, "status", "err.invalid"},
			{"AgeMinNegative", person.Filter{AgeMin: -1}, "age_min", "err.invalid"},
			{"AgeMinHuge", person.Filter{AgeMin: 121}, "age_min", "err.invalid"},
			{"AgeMaxBelowMin", person.Filter{AgeMin: 30, AgeMax: 20}, "age_max", "err.invalid"},
			{"AgeMaxNegative", person.Filter{AgeMax: -5}, "age_max", "err.invalid"},
			{"Sort", person.Filter{Sort: "age"}, "sort", "err.invalid"},
			{"CursorNotBase64", person.Filter{After: "!!not base64!!"}, "after", "err.invalid"},
			{"CursorNoSeparator", person.Filter{After: enc("/1/2/")}, "after", "err.invalid"},
			{"CursorBadID", person.Filter{After: enc("/1/2/\x00abc")}, "after", "err.invalid"},
			{"CursorZeroID", person.Filter{After: enc("/1/2/\x000")}, "after", "err.invalid"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.people.Find(f.ctx, f.admin, tc.fl)
				wantFields(t, err, map[string]string{tc.field: tc.msg})
				if tc.field != "after" {
					_, err = f.people.Count(f.ctx, f.cadre1, tc.fl)
					wantFields(t, err, map[string]string{tc.field: tc.msg})
				}
			})
		}
	})
}

// TestFindPaging walks every sort order in pages of 10 over 45 people with
// repeated names spread over the tree: each person comes exactly once, in
// the order's (key, ID) order.
func TestFindPaging(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		names := []string{"张三", "张山", "李四", "王五", "赵六", "钱七", "孙八", "周九", "吴十", "郑一", "Anna", "anna", "欧阳娜娜", "曾小贤", "张三丰"}
		orgs := []*org.Org{f.d1, f.b1, f.d2, f.u1, f.b2, f.g1, f.u2, f.root}
		var all []person.Person
		for i := range 45 {
			p := f.add(t, names[i%len(names)], orgs[i%len(orgs)])
			all = append(all, *p)
		}
		orders := map[string]func(a, b person.Person) int{
			"": func(a, b person.Person) int {
				return cmp.Or(cmp.Compare(a.OrgPath, b.OrgPath), cmp.Compare(a.ID, b.ID))
			},
			person.SortOrg: func(a, b person.Person) int {
				return cmp.Or(cmp.Compare(a.OrgPath, b.OrgPath), cmp.Compare(a.ID, b.ID))
			},
			person.SortName: func(a, b person.Person) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) },
			person.SortNew:  func(a, b person.Person) int { return cmp.Compare(b.ID, a.ID) },
		}
		for sort, order := range orders {
			t.Run("Sort="+sort, func(t *testing.T) {
				want := slices.Clone(all)
				slices.SortFunc(want, order)
				var got []int64
				var sizes []int
				fl := person.Filter{Sort: sort, Limit: 10}
				for range 10 {
					p, err := f.people.Find(f.ctx, f.admin, fl)
					if err != nil {
						t.Fatal(err)
					}
					sizes = append(sizes, len(p.People))
					for _, x := range p.People {
						got = append(got, x.ID)
					}
					if p.Next == "" {
						break
					}
					fl.After = p.Next
				}
				if fmt.Sprint(sizes) != "[10 10 10 10 5]" {
					t.Errorf("page sizes = %v", sizes)
				}
				var wantIDs []int64
				for _, p := range want {
					wantIDs = append(wantIDs, p.ID)
				}
				if fmt.Sprint(got) != fmt.Sprint(wantIDs) {
					t.Errorf("ids = %v\nwant  %v", got, wantIDs)
				}
			})
		}
		t.Run("FilteredNamePages", func(t *testing.T) {
			fl := person.Filter{Sort: person.SortName, Under: f.d1.ID, Query: "张"}
			var wantP []person.Person
			for _, p := range all {
				if p.OrgPath >= f.d1.Path && p.OrgPath < f.d1.Path[:len(f.d1.Path)-1]+"0" && []rune(p.Name)[0] == '张' {
					wantP = append(wantP, p)
				}
			}
			slices.SortFunc(wantP, orders[person.SortName])
			var want, got []string
			for _, p := range wantP {
				want = append(want, fmt.Sprintf("%s#%d", p.Name, p.ID))
			}
			for _, p := range f.findAll(t, f.admin, fl) {
				got = append(got, fmt.Sprintf("%s#%d", p.Name, p.ID))
			}
			if len(want) < 3 || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
		t.Run("LimitBounds", func(t *testing.T) {
			for limit, want := range map[int]int{0: 20, -1: 20, 501: 20, 500: 45, 45: 45, 44: 44} {
				p, err := f.people.Find(f.ctx, f.admin, person.Filter{Limit: limit})
				if err != nil || len(p.People) != want || (want == 45) != (p.Next == "") {
					t.Errorf("limit %d: %d rows, next %q, %v; want %d rows", limit, len(p.People), p.Next, err, want)
				}
			}
		})
	})
}

// Listing by name walks the name index on SQLite for big subtrees (and
// sorts small ones): both give every row once, in name order.
func TestFindByNameBothPlans(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		for i, name := range []string{"王五", "李四", "张三", "赵六", "钱七", "孙八", "周九", "吴十"} {
			o := f.b1
			if i%2 == 1 {
				o = f.b2
			}
			f.add(t, name, o)
		}
		inOrder := func(by *auth.Actor) string { // pages of 7, in the order served
			var out []string
			for _, p := range f.findAll(t, by, person.Filter{Sort: person.SortName}) {
				out = append(out, p.Name)
			}
			return fmt.Sprint(out)
		}
		const want = "[吴十 周九 孙八 张三 李四 王五 赵六 钱七]" // code-point order
		if got := inOrder(f.admin); got != want {
			t.Errorf("by name, sorting the subtree = %s, want %s", got, want)
		}
		restore := person.SetNameWalkMin(0)
		defer restore()
		if got := inOrder(f.admin); got != want {
			t.Errorf("by name through the name index = %s, want %s", got, want)
		}
		if got := inOrder(f.cadre1); got != "[周九 张三 王五 钱七]" {
			t.Errorf("D1 cadre by name = %s", got)
		}
		// Searches through the name and initials indexes keep to the scope.
		for _, q := range []string{"张", "zs", "李", "ls"} {
			var got []string
			for _, p := range f.findAll(t, f.cadre1, person.Filter{Query: q}) {
				got = append(got, p.Name)
			}
			if want := map[bool]string{true: "[张三]", false: "[]"}[q == "张" || q == "zs"]; fmt.Sprint(got) != want {
				t.Errorf("D1 cadre search %q through the index = %v, want %s", q, got, want)
			}
		}
	})
}
