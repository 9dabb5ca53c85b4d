package person_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/demo"
	"qinggong/internal/org"
	"qinggong/internal/person"
	"qinggong/internal/pii"
	"qinggong/internal/sheet"
)

// cityEnv is the city-scale registry: 50,000 organizations and 1,000,000
// people from `demo --scale city`, a district cadre and the city admin.
type cityEnv struct {
	d        *db.DB
	people   *person.Service
	orgs     *org.Service
	admin    *auth.Actor
	cadre    *auth.Actor
	district *org.Org
	sample   *person.Person // someone in the district, for exact searches
	idNumber string
}

func loadCity(b *testing.B, name string) *cityEnv {
	return loadScale(b, name, benchScale())
}

// benchScale is the demo scale the benchmarks load: city unless
// QG_BENCH_SCALE says small (for quick profiling runs).
func benchScale() demo.Scale {
	if os.Getenv("QG_BENCH_SCALE") == "small" {
		return demo.Small
	}
	return "city"
}

func loadScale(b *testing.B, name string, scale demo.Scale) *cityEnv {
	ctx := context.Background()
	d, cached := cachedDB(b, name, scale)
	log := audit.New([]byte("bench-key-bench-key-bench-key-32"), nil)
	orgs := org.New(d, log, nil)
	users := auth.New(d, log, auth.TestHash, nil)
	seal, err := pii.NewSealer(1, bytes.Repeat([]byte{7}, 32), bytes.Repeat([]byte{9}, 32))
	if err != nil {
		b.Fatal(err)
	}
	people := person.New(d, log, orgs, seal, nil)
	start := time.Now()
	var res demo.Result
	if !cached {
		if _, err := orgs.CreateRoot(ctx); err != nil {
			b.Fatal(err)
		}
		if res, err = demo.Load(ctx, demo.Services{DB: d, Orgs: orgs, Users: users, People: people, Audit: log}, demo.Options{Scale: scale, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		if err := d.Analyze(ctx); err != nil {
			b.Fatal(err)
		}
		keepDB(b, d, name, scale)
	}
	e := &cityEnv{d: d, people: people, orgs: orgs}
	// The demo's accounts: the city administrator and Pudong's cadre.
	actor := func(login string) *auth.Actor {
		u, err := users.FindUserByLogin(ctx, login)
		if err != nil {
			b.Fatalf("%s: %v", login, err)
		}
		a, err := users.Actor(ctx, u.ID)
		if err != nil {
			b.Fatal(err)
		}
		return a
	}
	e.admin, e.cadre = actor("city_admin"), actor("pudong_cadre")
	if e.district, err = orgs.FindByID(ctx, e.admin, e.cadre.Grants[0].ScopeID); err != nil {
		b.Fatal(err)
	}
	page, err := people.Find(ctx, e.cadre, person.Filter{Limit: 200})
	if err != nil || len(page.People) < 200 {
		b.Fatalf("district people: %d, %v", len(page.People), err)
	}
	e.sample = &page.People[137]
	rv, err := people.Reveal(ctx, e.admin, e.sample.ID)
	if err != nil {
		b.Fatal(err)
	}
	e.idNumber = rv.IDNumber
	n, _ := people.Count(ctx, e.cadre, person.Filter{})
	b.Logf("%s: %d organizations, %d people loaded in %v; district %s holds %d active people",
		name, res.Orgs, res.People, time.Since(start).Round(time.Second), e.district.Name, n.N)
	return e
}

// BenchmarkPeopleCity measures the registry's hot reads at city scale on
// every database: list pages with their totals for a district and for the
// whole city, the next keyset page, filtered lists with bounded counts, and
// searches by name, pinyin initials and exact ID number.
//
//	go test ./internal/person/ -run '^$' -bench PeopleCity -benchtime 2000x -count 5 -timeout 60m
func BenchmarkPeopleCity(b *testing.B) {
	ctx := context.Background()
	for _, name := range dbtest.Names() {
		if only := os.Getenv("QG_BENCH_DB"); only != "" && only != name {
			continue // QG_BENCH_DB=postgres measures one engine (each load takes minutes)
		}
		e := loadCity(b, name)
		first, err := e.people.Find(ctx, e.cadre, person.Filter{Limit: 20})
		if err != nil {
			b.Fatal(err)
		}
		surname := string([]rune(e.sample.Name)[:1])
		initials := person.Initials(e.sample.Name)
		cases := []struct {
			name  string
			by    *auth.Actor
			f     person.Filter
			count bool
		}{
			{"district/page", e.cadre, person.Filter{Limit: 20}, true},
			{"district/next_page", e.cadre, person.Filter{Limit: 20, After: first.Next}, false},
			{"city/page", e.admin, person.Filter{Limit: 20}, true},
			{"district/by_name_order", e.cadre, person.Filter{Limit: 20, Sort: person.SortName}, false},
			{"district/trade_filter", e.cadre, person.Filter{Limit: 20, Trade: "钳工"}, true},
			{"district/age_filter", e.cadre, person.Filter{Limit: 20, AgeMin: 20, AgeMax: 25}, true},
			{"city/tag_filter", e.admin, person.Filter{Limit: 20, Tag: person.TagBuilder}, true},
			{"district/search_surname", e.cadre, person.Filter{Limit: 20, Query: surname}, true},
			{"district/search_one_initial", e.cadre, person.Filter{Limit: 20, Query: initials[:1]}, true},
			{"district/search_full_name", e.cadre, person.Filter{Limit: 20, Query: e.sample.Name}, true},
			{"district/search_initials", e.cadre, person.Filter{Limit: 20, Query: initials}, true},
			{"city/search_initials", e.admin, person.Filter{Limit: 20, Query: initials}, true},
			{"city/search_surname", e.admin, person.Filter{Limit: 20, Query: surname}, true},
			{"city/by_name_order", e.admin, person.Filter{Limit: 20, Sort: person.SortName}, false},
			{"city/search_id_number", e.admin, person.Filter{Limit: 20, Query: e.idNumber}, true},
		}
		for _, c := range cases {
			b.Run(name+"/"+c.name, func(b *testing.B) {
				for b.Loop() {
					p, err := e.people.Find(ctx, c.by, c.f)
					if err != nil || len(p.People) == 0 {
						b.Fatalf("%d rows, %v", len(p.People), err)
					}
					if c.count {
						if _, err := e.people.Count(ctx, c.by, c.f); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		}
		// Writes run once per database whatever -benchtime says (an import
		// of 100,000 rows is its own measurement); their figures are logged.
		start := time.Now()
		f, err := e.people.Export(ctx, e.admin, person.Filter{Under: e.district.ID}, false)
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
		el := time.Since(start)
		b.Logf("%s export: %d rows in %v (%.0f rows/s; 100,000 rows would take %.1f s), %d bytes",
			name, f.Rows, el.Round(time.Millisecond), float64(f.Rows)/el.Seconds(), 100000/(float64(f.Rows)/el.Seconds()), f.Size)
		benchImport(b, e, 0)
	}
}

// benchImport imports 100,000 new people from an .xlsx through the whole
// path (upload checks, dry run, confirm) and reports the database phase's
// rate, the end-to-end time and the peak heap.
func benchImport(b *testing.B, e *cityEnv, round int) {
	ctx := context.Background()
	const n = 100000
	var units []string
	pg, err := e.orgs.Find(ctx, e.cadre, org.Filter{Under: e.district.ID, Level: org.LevelBranch, Limit: 200, Brief: true})
	if err != nil || len(pg.Orgs) == 0 {
		b.Fatalf("branches: %v", err)
	}
	for _, o := range pg.Orgs {
		units = append(units, o.Code)
	}
	// Names as a real roster has them: spread over the name and initials
	// indexes, as the ID and phone hashes are over theirs.
	names := demo.Names(int64(7+round), n)
	var buf bytes.Buffer
	w, err := sheet.NewWriter(&buf, "青年名册", person.TemplateHeader(), nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		birth := time.Date(1996, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/900)
		first := fmt.Sprintf("4101%02d%s%03d", 10+round, birth.Format("20060102"), i%900)
		id := first + string(pii.CheckChar(first))
		if err := w.Row(names[i], id, units[i%len(units)], "", "", "", fmt.Sprintf("139%08d", i), "", "汉族", "大专",
			"共青团员", "", "上海测试机械有限公司", "装配", "钳工", "四级/中级工", "2024-06-30", "上海市职业技能鉴定中心", "", "外来务工青年", "", ""); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	defer close(stop)
	// The process's peak resident memory from here on (Linux: writing 5 to
	// clear_refs resets VmHWM to the current size), SQLite's page caches
	// included, which the Go heap figure leaves out.
	rssReset := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	rssBefore := procStatus("VmRSS:")
	var written time.Duration // in the import's write transactions
	defer person.SetImportWriteHook(func(_ int, took time.Duration) { written += took })()
	start := time.Now()
	j, err := e.people.StartImport(ctx, e.cadre, "bench.xlsx", data, person.ImportOptions{})
	if err != nil {
		b.Fatal(err)
	}
	e.people.WaitImports()
	checked := time.Now()
	if j, err = e.people.ConfirmImport(ctx, e.cadre, j.ID); err != nil {
		b.Fatal(err)
	}
	e.people.WaitImports()
	done := time.Now()
	if j, err = e.people.ImportJob(ctx, e.cadre, j.ID); err != nil || j.Created != n {
		b.Fatalf("import: %+v, %v", j, err)
	}
	rss := "unknown"
	if kb := procStatus("VmHWM:"); rssReset && kb > 0 {
		rss = fmt.Sprintf("%.0f MiB (%.0f MiB before it)", float64(kb)/1024, float64(rssBefore)/1024)
	}
	b.Logf("%s import of %d rows: %.1f s end to end (dry run %.1f s, confirm %.1f s = %.0f rows/s; "+
		"database phase %.1f s = %.0f rows/s), peak heap %.0f MiB, peak RSS %s",
		e.d.Dialect, n, done.Sub(start).Seconds(), checked.Sub(start).Seconds(), done.Sub(checked).Seconds(),
		float64(n)/done.Sub(checked).Seconds(), written.Seconds(), float64(n)/written.Seconds(), float64(peak.Load())/(1<<20), rss)
}

// procStatus is a size the kernel reports for this process in
// /proc/self/status (VmRSS:, VmHWM:), in KiB; 0 where there is no such file.
func procStatus(field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}
