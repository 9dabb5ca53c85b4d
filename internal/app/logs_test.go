package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/app/apptest"
	"qinggong/internal/auth"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/person"
)

// logLines are the instance's JSON log lines that name the request id.
func logLines(t *testing.T, e *apptest.Env, id string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(e.Logs()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("a log line that is not JSON: %q", sc.Text())
		}
		if m["request_id"] == id {
			out = append(out, m)
		}
	}
	return out
}

func hasLine(lines []map[string]any, level, msg string) bool {
	for _, m := range lines {
		if m["level"] == level && m["msg"] == msg {
			return true
		}
	}
	return false
}

// An internal error, a panic and an import that fails in the background
// are all logged by the instance's one JSON logger, with the ID of the
// request (X-Request-Id) they belong to.
//
// Not parallel: like the command line, it makes the instance's logger the
// process's default, which the import's background goroutine logs to.
func TestOneLoggerPerRequest(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := apptest.New(t, name)
			old := slog.Default()
			slog.SetDefault(e.App.Log)
			t.Cleanup(func() { slog.SetDefault(old) })
			e.App.Router.Get("/api/v1/test-fails", auth.Public, func(w http.ResponseWriter, r *http.Request) error {
				return errors.New("test: the database went away")
			})
			e.App.Router.Get("/test-panics", auth.Public, func(w http.ResponseWriter, r *http.Request) error {
				panic("test: a bug")
			})
			for path, msg := range map[string]string{"/api/v1/test-fails": "request failed", "/test-panics": "panic"} {
				res := e.Anon().For(t).Get(path)
				id := res.Header.Get("X-Request-Id")
				if res.StatusCode != http.StatusInternalServerError || id == "" {
					t.Fatalf("%s = %d (request id %q), want 500 with an id", path, res.StatusCode, id)
				}
				lines := logLines(t, e, id)
				if !hasLine(lines, "ERROR", msg) || !hasLine(lines, "INFO", "request") {
					t.Errorf("%s: lines with request_id %s = %v, want the %q error and the request line", path, id, lines, msg)
				}
			}

			// An import whose write fails: the database refuses every new person.
			api := e.Bearer("org_admin_d1").For(t)
			job := importCSV(t, e, api, "姓名,身份证号,组织编码\n李四,"+apptest.IDNumber(5)+",FX-B1\n")
			if job.Status != person.JobChecked || job.Accepted != 1 {
				t.Fatalf("dry run = %+v, want 1 row accepted", job)
			}
			refuse := []string{`CREATE TRIGGER qg_test_refuse BEFORE INSERT ON people BEGIN SELECT RAISE(ABORT, 'test: refused'); END`}
			if name == "postgres" {
				refuse = []string{
					`CREATE FUNCTION qg_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'test: refused'; END$$`,
					`CREATE TRIGGER qg_test_refuse BEFORE INSERT ON people FOR EACH ROW EXECUTE FUNCTION qg_test_refuse()`,
				}
			}
			for _, q := range refuse {
				if _, err := e.App.DB.W().ExecContext(context.Background(), q); err != nil {
					t.Fatal(err)
				}
			}
			res := api.Do("POST", "/api/v1/imports/"+strconv.FormatInt(job.ID, 10)+"/confirm", nil)
			id := res.Header.Get("X-Request-Id")
			e.App.People.WaitImports()
			api.Get("/api/v1/imports/"+strconv.FormatInt(job.ID, 10)).JSON(t, &job)
			if job.Status != person.JobFailed {
				t.Fatalf("import = %+v, want failed", job)
			}
			if lines := logLines(t, e, id); !hasLine(lines, "ERROR", "import failed") {
				t.Errorf("lines with the confirming request's id %s = %v, want \"import failed\"", id, lines)
			}
		})
	}
}
