package app_test

import (
	"context"
	"errors"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/app/apptest"
	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/person"
	"qinggong/internal/sheet"
)

// peopleEnv adds two people to the fixture: one under D1 (branch B1), one
// under D2 (branch B2).
type peopleEnv struct {
	*apptest.Env
	d1, d2     *person.Person
	d1ID, d2ID string // full ID-card numbers
	d2Phone    string
	seq        int // people added by newPerson
}

func newPeopleEnv(t *testing.T, dbName string) *peopleEnv {
	t.Helper()
	e := &peopleEnv{Env: apptest.New(t, dbName), d1ID: apptest.IDNumber(1), d2ID: apptest.IDNumber(2), d2Phone: "13912345678"}
	root := e.Orgs["C"]
	boot := &auth.Actor{Login: "fixture", Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
	ctx := context.Background()
	var err error
	if e.d1, err = e.App.People.Create(ctx, boot, person.Input{Name: "张三", IDNumber: e.d1ID, OrgID: e.Orgs["B1"].ID, Trade: "钳工"}); err != nil {
		t.Fatal(err)
	}
	if e.d2, err = e.App.People.Create(ctx, boot, person.Input{Name: "张山", IDNumber: e.d2ID, Phone: e.d2Phone, OrgID: e.Orgs["B2"].ID, Trade: "钳工"}); err != nil {
		t.Fatal(err)
	}
	return e
}

// A cadre of district D1 cannot see, search, count or export a person of
// district D2, by any route.
func TestPeopleCrossDistrict(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := newPeopleEnv(t, name)
			api := e.Bearer("cadre_d1").For(t)
			d2 := strconv.FormatInt(e.d2.ID, 10)
			for _, path := range []string{"/api/v1/people/" + d2, "/api/v1/people/" + d2 + "/timeline", "/api/v1/people/" + d2 + "/skills",
				"/api/v1/people?org=" + strconv.FormatInt(e.Orgs["D2"].ID, 10)} {
				if res := api.Get(path); res.StatusCode != 404 {
					t.Errorf("GET %s = %d, want 404", path, res.StatusCode)
				}
			}
			for _, q := range []string{"", "张", "zs", "张山", e.d2ID, e.d2Phone} {
				var page person.Page
				api.Get("/api/v1/people?status=all&q="+url.QueryEscape(q)).JSON(t, &page)
				for _, p := range page.People {
					if p.ID == e.d2.ID {
						t.Errorf("search %q found the D2 person", q)
					}
				}
				var c person.Count
				api.Get("/api/v1/people/count?q="+url.QueryEscape(q)).JSON(t, &c)
				if want := int64(1); (q == "" || q == "张" || q == "zs") && c.N != want {
					t.Errorf("count %q = %d, want %d (D1 only)", q, c.N, want)
				} else if (q == "张山" || q == e.d2ID || q == e.d2Phone) && c.N != 0 {
					t.Errorf("count %q = %d, want 0", q, c.N)
				}
			}
			res := api.Do("POST", "/api/v1/people/export", nil)
			if res.StatusCode != 200 {
				t.Fatalf("export = %d %s", res.StatusCode, res.Body)
			}
			names := xlsxColumn(t, res.Body, 0)
			if strings.Join(names, ",") != "张三" {
				t.Errorf("export rows = %v, want only 张三", names)
			}
			page := e.Login("cadre_d1").For(t).Get("/people?q=" + url.QueryEscape("张"))
			if !strings.Contains(page.Body, "张三") || strings.Contains(page.Body, "张山") {
				t.Errorf("list page shows the wrong people")
			}
		})
	}
}

// xlsxColumn reads one column of an exported sheet (header skipped).
func xlsxColumn(t *testing.T, body string, col int) []string {
	t.Helper()
	r, err := sheet.Open("x.xlsx", strings.NewReader(body), int64(len(body)), sheet.Limits{})
	if err != nil {
		t.Fatalf("open export: %v", err)
	}
	defer r.Close()
	var out []string
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, row.Cells[col].Value)
	}
}

// Revealing identifiers needs the permission, is audited, and no audit
// summary ever holds a full identifier; a revealing export needs the
// password again.
func TestPeopleRevealAndExport(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := newPeopleEnv(t, name)
			d2 := strconv.FormatInt(e.d2.ID, 10)
			if res := e.Bearer("cadre_d1").For(t).Do("POST", "/api/v1/people/"+d2+"/reveal", nil); res.StatusCode != 403 {
				t.Errorf("cadre reveal = %d, want 403 (no reveal permission)", res.StatusCode)
			}
			if res := e.Bearer("org_admin_d1").For(t).Do("POST", "/api/v1/people/"+d2+"/reveal", nil); res.StatusCode != 404 {
				t.Errorf("D1 admin reveal of a D2 person = %d, want 404", res.StatusCode)
			}
			admin := e.Bearer("admin").For(t)
			var rv person.Revealed
			admin.Do("POST", "/api/v1/people/"+d2+"/reveal", nil).JSON(t, &rv)
			if rv.IDNumber != e.d2ID || rv.Phone != e.d2Phone {
				t.Errorf("reveal = %+v", rv)
			}
			if res := admin.Get("/api/v1/people/" + d2); strings.Contains(res.Body, e.d2ID) || !strings.Contains(res.Body, "310***********") {
				t.Errorf("GET shows the identifier unmasked: %s", res.Body)
			}
			if res := admin.Do("POST", "/api/v1/people/export", `{"reveal":true,"password":"wrong"}`); res.StatusCode != 422 {
				t.Errorf("export with a wrong password = %d, want 422", res.StatusCode)
			}
			res := admin.Do("POST", "/api/v1/people/export", `{"reveal":true,"password":"`+apptest.Password+`"}`)
			if ids := xlsxColumn(t, res.Body, 1); !slices.Contains(ids, e.d2ID) {
				t.Errorf("revealing export ids = %v", ids)
			}
			res = admin.Do("POST", "/api/v1/people/export?trade="+url.QueryEscape("钳工"), nil)
			if ids := xlsxColumn(t, res.Body, 1); slices.Contains(ids, e.d2ID) || len(ids) != 2 {
				t.Errorf("masked export ids = %v", ids)
			}
			recs, err := e.App.Audit.Find(context.Background(), e.App.DB.R(), audit.Filter{Action: "person.", Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			var reveals, exports int
			for _, r := range recs {
				if strings.Contains(r.Summary, e.d2ID) || strings.Contains(r.Summary, e.d2Phone) {
					t.Errorf("audit %s summary holds an identifier: %q", r.Action, r.Summary)
				}
				switch r.Action {
				case "person.reveal":
					reveals++
				case "person.export":
					exports++
					if !strings.Contains(r.Summary, "rows=") {
						t.Errorf("export audit without a row count: %q", r.Summary)
					}
				}
			}
			if reveals != 1 || exports != 2 {
				t.Errorf("audited %d reveals and %d exports, want 1 and 2", reveals, exports)
			}
			// Searches by identifier, a refused update and a failed import
			// leave no identifier in the logs either.
			admin.Get("/api/v1/people?q=" + e.d2ID)
			admin.Get("/api/v1/people?q=" + e.d2Phone)
			admin.Do("PUT", "/api/v1/people/"+d2, map[string]any{"name": "", "id_number": e.d2ID, "phone": e.d2Phone + "9"})
			admin.Do("POST", "/api/v1/people/imports?name=x.csv", "姓名,身份证号\n张,"+e.d2ID+"\n")
			e.App.People.WaitImports()
			if logs := e.Logs(); logs == "" || strings.Contains(logs, e.d2ID) || strings.Contains(logs, e.d2Phone) {
				t.Errorf("the logs hold an identifier (or nothing was logged: %d bytes)", len(logs))
			}
		})
	}
}

// An import through the API: dry run with every kind of bad row, confirm,
// then the same file again updates instead of duplicating.
func TestPeopleImportAPI(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := newPeopleEnv(t, name)
			api := e.Bearer("org_admin_d1").For(t)
			bad := apptest.IDNumber(7)
			bad = bad[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", bad[17])+1)%11])
			csv := "姓名,身份证号,组织编码,手机号,技能等级,标签\n" +
				"李四," + apptest.IDNumber(5) + ",FX-B1,13800138000,四级/中级工,外来务工青年\n" +
				"王五," + bad + ",FX-B1,,,\n" +
				"赵六," + apptest.IDNumber(6) + ",FX-B2,,,\n" +
				"李四二," + apptest.IDNumber(5) + ",FX-U1,,,\n" +
				"钱七," + e.d2ID + ",FX-U1,,,\n" +
				"孙八," + apptest.IDNumber(8) + ",FX-U1,123,,\n"
			job := importCSV(t, e.Env, api, csv)
			if job.Status != person.JobChecked || job.Total != 6 || job.Accepted != 1 || job.Rejected != 5 {
				t.Fatalf("dry run = %+v, want 6 rows, 1 accepted", job)
			}
			var rejects struct {
				Items []struct {
					Row     int
					Reasons []struct{ Field, Key string }
				}
			}
			api.Get("/api/v1/imports/"+strconv.FormatInt(job.ID, 10)+"/rejects").JSON(t, &rejects)
			want := map[int]string{3: "id_number:err.id_check", 4: "org_code:err.org_unknown", 5: "id_number:err.import_duplicate",
				6: "id_number:err.import_elsewhere", 7: "phone:err.phone"}
			for _, r := range rejects.Items {
				got := r.Reasons[0].Field + ":" + r.Reasons[0].Key
				if want[r.Row] != got {
					t.Errorf("row %d rejected for %s, want %s", r.Row, got, want[r.Row])
				}
				delete(want, r.Row)
			}
			if len(want) > 0 {
				t.Errorf("rows not rejected: %v", want)
			}
			before := countAll(t, api)
			api.Do("POST", "/api/v1/imports/"+strconv.FormatInt(job.ID, 10)+"/confirm", nil)
			e.App.People.WaitImports()
			api.Get("/api/v1/imports/"+strconv.FormatInt(job.ID, 10)).JSON(t, &job)
			if job.Status != person.JobDone || job.Created != 1 || job.Updated != 0 {
				t.Fatalf("import = %+v, want done with 1 created", job)
			}
			if n := countAll(t, api); n != before+1 {
				t.Errorf("count after import = %d, want %d", n, before+1)
			}
			// The corrected file again: the one person is updated, the fixed row added.
			csv2 := "姓名,身份证号,组织编码,手机号,技能等级\n李四," + apptest.IDNumber(5) + ",FX-B1,13800138001,三级\n孙八," + apptest.IDNumber(8) + ",FX-U1,,\n"
			job = importCSV(t, e.Env, api, csv2)
			api.Do("POST", "/api/v1/imports/"+strconv.FormatInt(job.ID, 10)+"/confirm", nil)
			e.App.People.WaitImports()
			api.Get("/api/v1/imports/"+strconv.FormatInt(job.ID, 10)).JSON(t, &job)
			if job.Created != 1 || job.Updated != 1 {
				t.Errorf("re-import = %+v, want 1 created, 1 updated", job)
			}
			if n := countAll(t, api); n != before+2 {
				t.Errorf("count after re-import = %d, want %d", n, before+2)
			}
			// Another user cannot see the import; files that are not tables are refused.
			if res := e.Bearer("admin").For(t).Get("/api/v1/imports/" + strconv.FormatInt(job.ID, 10)); res.StatusCode != 404 {
				t.Errorf("someone else's import = %d, want 404", res.StatusCode)
			}
			if res := api.Do("POST", "/api/v1/people/imports?name=roster.xlsx", "PK\x03\x04not a zip"); res.StatusCode != 422 {
				t.Errorf("a broken xlsx = %d, want 422", res.StatusCode)
			}
			if bad, err := person.CheckRollups(context.Background(), e.App.DB.R()); err != nil || len(bad) > 0 {
				t.Errorf("rollups: %v %v", bad, err)
			}
			// A roster is kept only while its import may still be confirmed.
			kept := importCSV(t, e.Env, api, csv2)
			if n := importFiles(t, e.Env); n != 1 {
				t.Errorf("files kept with one import awaiting confirmation = %d, want 1", n)
			}
			api.Do("POST", "/api/v1/imports/"+strconv.FormatInt(kept.ID, 10)+"/discard", nil)
			if n := importFiles(t, e.Env); n != 0 {
				t.Errorf("files kept after every import ended = %d, want 0", n)
			}
		})
	}
}

func importFiles(t *testing.T, e *apptest.Env) int {
	t.Helper()
	var n int
	if err := e.App.DB.R().QueryRowContext(context.Background(), `SELECT count(*) FROM import_files`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func importCSV(t *testing.T, e *apptest.Env, api *apptest.Client, csv string) person.Job {
	t.Helper()
	res := api.Do("POST", "/api/v1/people/imports?name=roster.csv", csv)
	if res.StatusCode != 202 {
		t.Fatalf("upload = %d %s", res.StatusCode, res.Body)
	}
	var started struct {
		Job       person.Job `json:"job"`
		StatusURL string     `json:"status_url"`
	}
	res.JSON(t, &started)
	e.App.People.WaitImports()
	var j person.Job
	api.Get(started.StatusURL).JSON(t, &j)
	return j
}

func countAll(t *testing.T, api *apptest.Client) int64 {
	t.Helper()
	var c person.Count
	api.Get("/api/v1/people/count").JSON(t, &c)
	return c.N
}
