package person_test

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/org"
	"qinggong/internal/person"
)

// realCount counts people under o (nil: everyone) with status ("" active,
// "all") straight from the people table.
func (f *fixture) realCount(t *testing.T, o *org.Org, status string) int64 {
	t.Helper()
	q, args := `SELECT count(*) FROM people WHERE 1 = 1`, []any{}
	if o != nil {
		q += ` AND org_path >= $1 AND org_path < $2`
		args = append(args, o.Path, o.Path[:len(o.Path)-1]+"0")
	}
	switch status {
	case "all":
	case "":
		q += ` AND status = 'active'`
	default:
		q += fmt.Sprintf(` AND status = $%d`, len(args)+1)
		args = append(args, status)
	}
	return f.count(t, q, args...)
}

// wantPlainCounts checks the rollup counts of every place and status
// against the people table, for the admin and, on cadreOrgs (D1's
// subtree), the D1 cadre. It reads the fixture's organizations as they
// are, so refresh them after a move.
func (f *fixture) wantPlainCounts(t *testing.T, cadreOrgs ...*org.Org) {
	t.Helper()
	for _, o := range []*org.Org{nil, f.root, f.d1, f.u1, f.g1, f.b1, f.d2, f.u2, f.b2} {
		for _, st := range []string{"", "all", person.Active, person.Left, person.AgedOut} {
			fl := person.Filter{Status: st}
			name := "all"
			if o != nil {
				fl.Under, name = o.ID, o.Code
			}
			want := f.realCount(t, o, st)
			if c := f.counted(t, f.admin, fl); c.N != want || c.Capped {
				t.Errorf("admin count %s status %q = %+v, want %d", name, st, c, want)
			}
			if o == nil || slices.Contains(cadreOrgs, o) {
				want := f.realCount(t, map[bool]*org.Org{true: f.d1, false: o}[o == nil], st)
				if c := f.counted(t, f.cadre1, fl); c.N != want {
					t.Errorf("cadre count %s status %q = %+v, want %d", name, st, c, want)
				}
			}
		}
	}
}

func TestCount(t *testing.T) {
	t.Parallel()
	t.Run("PlainFromRollups", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			orgs := []*org.Org{f.d1, f.u1, f.b1, f.d2, f.b2, f.g1, f.root}
			ins := map[int64]person.Input{}
			var ids []int64
			for i := range 14 {
				in := f.input(fmt.Sprintf("人%02d", i), orgs[i%len(orgs)])
				if i%5 == 4 {
					in.Status = person.Left
				}
				p := f.create(t, f.admin, in)
				ins[p.ID] = in
				ids = append(ids, p.ID)
			}
			f.wantPlainCounts(t, f.d1, f.u1, f.g1, f.b1)
			update := func(id int64, edit func(*person.Input)) {
				t.Helper()
				in := ins[id]
				edit(&in)
				if _, err := f.people.Update(f.ctx, f.admin, id, in); err != nil {
					t.Fatal(err)
				}
				ins[id] = in
			}
			t.Run("AfterStatusChanges", func(t *testing.T) {
				update(ids[0], func(in *person.Input) { in.Status = person.Left })
				update(ids[4], func(in *person.Input) { in.Status = person.Active })
				update(ids[1], func(in *person.Input) { in.Status = person.AgedOut })
				f.wantPlainCounts(t, f.d1, f.u1, f.g1, f.b1)
			})
			t.Run("AfterOrgChanges", func(t *testing.T) {
				update(ids[2], func(in *person.Input) { in.OrgID = f.d1.ID })                         // B1 → D1
				update(ids[3], func(in *person.Input) { in.OrgID = f.b1.ID })                         // D2 → B1
				update(ids[5], func(in *person.Input) { in.OrgID, in.Status = f.u2.ID, person.Left }) // G1 → U2, left
				update(ids[6], func(in *person.Input) { in.Name = "只改名" })                            // root, unchanged place
				f.wantPlainCounts(t, f.d1, f.u1, f.g1, f.b1)
				f.wantRollupsClean(t)
			})
		})
	})
	t.Run("FilteredExact", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			for i := range 12 {
				in := person.Input{Name: fmt.Sprintf("工%02d", i), OrgID: []int64{f.d1.ID, f.b1.ID, f.d2.ID}[i%3],
					IDNumber: f.idNumber("19990315", i%2 == 0), Trade: []string{"电工", "焊工"}[i%4/2]}
				f.create(t, f.admin, in)
			}
			for _, tc := range []struct {
				name string
				by   *auth.Actor
				fl   person.Filter
				want int64
			}{
				{"Male", f.admin, person.Filter{Gender: person.Male}, 6},
				{"MaleD1", f.admin, person.Filter{Gender: person.Male, Under: f.d1.ID}, 4},
				{"Trade", f.admin, person.Filter{Trade: "电工"}, 6},
				{"TradeMale", f.admin, person.Filter{Trade: "电工", Gender: person.Male}, 3},
				{"CadreMale", f.cadre1, person.Filter{Gender: person.Male}, 4},
				{"CadreQuery", f.cadre1, person.Filter{Query: "工"}, 8},
				{"CadreQueryB1", f.cadre1, person.Filter{Query: "工", Under: f.b1.ID}, 4},
				// One character or letter is counted through its district range of the name or initials index.
				{"CadreInitial", f.cadre1, person.Filter{Query: "g"}, 8},
				{"CadreInitialUpper", f.cadre1, person.Filter{Query: " G "}, 8},
				{"QueryMale", f.admin, person.Filter{Query: "工", Gender: person.Male}, 6},
				{"OtherSurname", f.admin, person.Filter{Query: "王"}, 0},
				{"TwoCharacters", f.cadre1, person.Filter{Query: "工0"}, 7}, // 工00…工09 but 工02, 工05, 工08 (D2)
			} {
				t.Run(tc.name, func(t *testing.T) {
					c := f.counted(t, tc.by, tc.fl)
					if c.N != tc.want || c.Capped || int64(len(f.findAll(t, tc.by, tc.fl))) != tc.want {
						t.Errorf("count = %+v, want %d", c, tc.want)
					}
				})
			}
		})
	})
	t.Run("Cap", func(t *testing.T) {
		if testing.Short() {
			t.Skip("inserts 10,001 rows")
		}
		each(t, func(t *testing.T, f *fixture) {
			// One statement puts CountCap men at B2, bypassing the service
			// (and so the rollups), which makes this cheap on both databases.
			hash := `CAST('bulk-' || CAST(i AS TEXT) AS BLOB)` // a distinct stand-in for each row's keyed hash
			if f.d.Dialect == db.Postgres {
				hash = `convert_to('bulk-' || CAST(i AS TEXT), 'UTF8')`
			}
			f.exec(t, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
				INSERT INTO people (org_id, org_path, name, initials, gender, birth_date, id_sealed, id_hash, id_masked, created_at, updated_at)
				SELECT $2, $3, 'bulk', 'b', 'm', '1999-03-15', $4, `+hash+`, '', $5, $5 FROM n`,
				person.CountCap, f.b2.ID, f.b2.Path, bytes.Repeat([]byte{1}, 40), f.clock.Now())
			men := person.Filter{Gender: person.Male}
			if c := f.counted(t, f.admin, men); c.N != person.CountCap || c.Capped {
				t.Errorf("count of exactly the cap = %+v", c)
			}
			f.add(t, "再一个", f.d2)
			if c := f.counted(t, f.admin, men); c.N != person.CountCap || !c.Capped {
				t.Errorf("count past the cap = %+v, want capped", c)
			}
			if c := f.counted(t, f.admin, person.Filter{Gender: person.Male, Under: f.u2.ID}); c.N != person.CountCap || c.Capped {
				t.Errorf("count under U2 = %+v", c)
			}
			if c := f.counted(t, f.cadre1, men); c.N != 0 || c.Capped {
				t.Errorf("D1 cadre count = %+v", c)
			}
			// Plain counts come from the rollups, exact beyond the cap once rebuilt.
			if err := person.RebuildRollups(f.ctx, f.d); err != nil {
				t.Fatal(err)
			}
			if c := f.counted(t, f.admin, person.Filter{}); c.N != person.CountCap+1 || c.Capped {
				t.Errorf("plain count = %+v, want %d", c, person.CountCap+1)
			}
			f.wantRollupsClean(t)
		})
	})
}

// Name, initials and phone searches read the district-led indexes
// (migration 00011), which only serve a statement that names their exact
// expression (districtSQL): a reworded condition would quietly fall back
// to walking every path of the subtree. Each plan is read for one
// district (a district cadre) and for the city (each district in turn);
// the name walk is forced (nameWalkMin 0) since the fixture is small, and
// PostgreSQL is told to avoid sequential scans, which it prefers on a
// table this small.
func TestDistrictPlans(t *testing.T) {
	restore := person.SetNameWalkMin(0)
	defer restore()
	each(t, func(t *testing.T, f *fixture) {
		// Enough people, with planner statistics, that the plan follows the
		// conditions rather than a tie between indexes of a few rows.
		var many []person.Input
		for i := range 1500 {
			name := string([]rune("赵钱孙李周何郑冯陈褚吕蒋沈韩杨")[i%15]) + string([]rune("一二三四五六七八九十")[i%10])
			many = append(many, f.input(name, []*org.Org{f.b1, f.b2, f.u2}[i%3]))
		}
		if _, _, err := f.people.Bulk(f.ctx, f.admin, many); err != nil {
			t.Fatal(err)
		}
		f.add(t, "王五", f.b1)
		f.add(t, "王六", f.d2)
		if err := f.d.Analyze(f.ctx); err != nil {
			t.Fatal(err)
		}
		in := f.input("李四", f.b1)
		in.Phone = "13912345678"
		f.create(t, f.admin, in)
		for _, c := range []struct {
			who   string
			by    *auth.Actor
			q     string
			page  bool
			index string
			want  int64
		}{
			{"district", f.cadre1, "王", false, "people_name", 1},
			{"district", f.cadre1, "W", false, "people_initials", 1},
			{"district", f.cadre1, "王", true, "people_name", 1},
			{"city", f.admin, "王", false, "people_name", 2},
			{"city", f.admin, "wl", false, "people_initials", 1},
			{"city", f.admin, "王", true, "people_name", 2},
			{"city", f.admin, "w", true, "people_initials", 2},
			{"city", f.admin, "13912345678", false, "people_phone", 1},
			{"district", f.cadre1, "13912345678", true, "people_phone", 1},
		} {
			query := f.people.CountQuery
			if c.page {
				query = f.people.PageQuery
			}
			stmt, args, err := query(f.ctx, c.by, person.Filter{Query: c.q})
			if err != nil {
				t.Fatal(err)
			}
			// The district (an expression) must be the index's condition,
			// not a filter over a scan of the whole index.
			uses := regexp.MustCompile(`SEARCH people USING (COVERING )?INDEX ` + c.index + ` \(<expr>=\?`)
			if f.d.Dialect == db.Postgres {
				uses = regexp.MustCompile(`(?s)[Ss]can using ` + c.index + ` on people.*Index Cond: \(+substr\(org_path, 1,`)
			}
			if got := f.plan(t, stmt, args); !uses.MatchString(got) || strings.Contains(got, "people_path") {
				t.Errorf("%s, %q (page %t): plan %s; want it through %s alone", c.who, c.q, c.page, got, c.index)
			}
			if c.page {
				p, err := f.people.Find(f.ctx, c.by, person.Filter{Query: c.q})
				if err != nil || int64(len(p.People)) != c.want {
					t.Errorf("%s, %q: %d rows, %v; want %d", c.who, c.q, len(p.People), err, c.want)
				}
			} else if n := f.counted(t, c.by, person.Filter{Query: c.q}); n.N != c.want {
				t.Errorf("%s, count of %q = %+v, want %d", c.who, c.q, n, c.want)
			}
		}
	})
}

// plan is the query plan of stmt, one line per step.
func (f *fixture) plan(t *testing.T, stmt string, args []any) string {
	t.Helper()
	tx, err := f.d.W().BeginTx(f.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	explain := "EXPLAIN QUERY PLAN "
	if f.d.Dialect == db.Postgres {
		explain = "EXPLAIN "
		if _, err := tx.ExecContext(f.ctx, "SET LOCAL enable_seqscan = off"); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := tx.QueryContext(f.ctx, explain+stmt, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var plan []string
	for rows.Next() {
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(any)
		}
		if err := rows.Scan(vals...); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, fmt.Sprint(*vals[len(vals)-1].(*any))) // the detail column
	}
	return strings.Join(plan, " | ")
}
