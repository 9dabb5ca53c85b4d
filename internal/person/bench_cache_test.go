package person_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/demo"
)

// The city takes minutes to load, so a benchmark run can keep the loaded
// database and start from a copy of it next time: QG_BENCH_CACHE names a
// folder for SQLite files; on PostgreSQL the copy is a database named
// qgbench_<scale> used as a template. Without the variable every run loads
// afresh, as CI does. Migrations run on the copy, but a change to the demo
// data or to an existing index needs the cache dropped (rm the folder;
// DROP DATABASE qgbench_<scale>).
const envBenchCache = "QG_BENCH_CACHE"

// cachedDB returns the database to load into and whether it already holds
// the demo at scale.
func cachedDB(b *testing.B, name string, scale demo.Scale) (*db.DB, bool) {
	dir := os.Getenv(envBenchCache)
	if dir == "" {
		return dbtest.Open(b, name), false
	}
	ctx := context.Background()
	var d *db.DB
	var err error
	cached := false
	switch name {
	case "sqlite":
		file := filepath.Join(b.TempDir(), "bench.db")
		if src, ok := openFile(filepath.Join(dir, string(scale)+".db")); ok {
			err = copyFile(file, src)
			cached = err == nil
		}
		if err == nil {
			d, err = db.Open(ctx, "sqlite:"+file)
		}
	case "postgres":
		server := os.Getenv(dbtest.EnvPostgres)
		if server == "" {
			b.Skip(dbtest.EnvPostgres + " not set")
		}
		base, run := "qgbench_"+string(scale), "qgbench_"+string(scale)+"_run"
		err = pgAdmin(server, func(a *sql.DB) error {
			if _, err := a.Exec(`DROP DATABASE IF EXISTS "` + run + `" WITH (FORCE)`); err != nil {
				return err
			}
			var n int
			if err := a.QueryRow(`SELECT count(*) FROM pg_database WHERE datname = $1`, base).Scan(&n); err != nil {
				return err
			}
			cached = n == 1
			tmpl := "template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
			if cached {
				tmpl = `"` + base + `"`
			}
			_, err := a.Exec(`CREATE DATABASE "` + run + `" TEMPLATE ` + tmpl)
			return err
		})
		var u string
		if err == nil {
			u, err = dbtest.DatabaseURL(server, run)
		}
		if err == nil {
			d, err = db.Open(ctx, u)
		}
	}
	if err != nil {
		b.Fatalf("bench cache: %v", err)
	}
	b.Cleanup(func() { d.Close() })
	if err := d.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	return d, cached
}

// keepDB saves the freshly loaded d for later runs.
func keepDB(b *testing.B, d *db.DB, name string, scale demo.Scale) {
	dir := os.Getenv(envBenchCache)
	if dir == "" {
		return
	}
	var err error
	switch name {
	case "sqlite":
		file := filepath.Join(dir, string(scale)+".db")
		os.Remove(file)
		if err = os.MkdirAll(dir, 0o700); err == nil {
			err = d.Backup(context.Background(), file)
		}
	case "postgres":
		// A template must have no open connections: let the pool close its
		// idle ones, copy, and let it reconnect on demand.
		d.W().SetMaxIdleConns(0)
		base, run := "qgbench_"+string(scale), "qgbench_"+string(scale)+"_run"
		err = pgAdmin(os.Getenv(dbtest.EnvPostgres), func(a *sql.DB) error {
			_, err := a.Exec(`CREATE DATABASE "` + base + `" TEMPLATE "` + run + `"`)
			return err
		})
		d.W().SetMaxIdleConns(8)
	}
	if err != nil {
		b.Logf("bench cache: not kept: %v", err)
	}
}

func pgAdmin(server string, fn func(*sql.DB) error) error {
	a, err := sql.Open("pgx", server)
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a)
}

func openFile(path string) (*os.File, bool) {
	f, err := os.Open(path)
	return f, err == nil
}

func copyFile(dst string, src *os.File) error {
	defer src.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, src); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", src.Name(), err)
	}
	return out.Close()
}
