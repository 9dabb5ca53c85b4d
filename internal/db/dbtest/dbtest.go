// Package dbtest runs store tests on every database: always on SQLite in a
// temporary folder and, when QG_TEST_POSTGRES holds a URL, on PostgreSQL.
//
// On PostgreSQL each test package gets a fresh database (UTF-8, C.UTF-8
// ctype) that Main drops afterwards, and each test a fresh schema in it, so
// tests are isolated without paying for CREATE DATABASE per test.
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"qinggong/internal/db"
)

// EnvPostgres names the variable holding the PostgreSQL server URL.
const EnvPostgres = "QG_TEST_POSTGRES"

var (
	pgOnce   sync.Once
	pgURL    string // the package database
	pgErr    error
	pgAdmin  string
	pgDBName string
	schemaN  atomic.Int64
)

// Main wraps testing.M so that the package's PostgreSQL database is dropped
// after the tests. Use it from TestMain: func TestMain(m *testing.M) { dbtest.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	if pgDBName != "" {
		if a, err := sql.Open("pgx", pgAdmin); err == nil {
			a.Exec(`DROP DATABASE IF EXISTS "` + pgDBName + `" WITH (FORCE)`)
			a.Close()
		}
	}
	os.Exit(code)
}

func preparePostgres(server string) {
	pgAdmin = server
	a, err := sql.Open("pgx", server)
	if err != nil {
		pgErr = err
		return
	}
	defer a.Close()
	pgDBName = fmt.Sprintf("qgtest_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6)
	_, err = a.Exec(`CREATE DATABASE "` + pgDBName + `" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`)
	if err != nil {
		pgErr = fmt.Errorf("create test database: %w", err)
		pgDBName = ""
		return
	}
	pgURL, pgErr = DatabaseURL(server, pgDBName)
}

// DatabaseURL is the PostgreSQL server URL with the database name replaced.
func DatabaseURL(server, name string) (string, error) {
	u, err := url.Parse(server)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// Names lists the databases tests run on here.
func Names() []string {
	if os.Getenv(EnvPostgres) != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// Open returns a fresh, migrated database of the named kind, closed when the test ends.
func Open(t testing.TB, name string) *db.DB {
	t.Helper()
	d := OpenBare(t, name)
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatalf("dbtest: migrate %s: %v", name, err)
	}
	return d
}

// OpenBare is Open without the migrations (for tests of a migration).
func OpenBare(t testing.TB, name string) *db.DB {
	t.Helper()
	ctx := context.Background()
	var d *db.DB
	var err error
	switch name {
	case "sqlite":
		d, err = db.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "test.db"))
	case "postgres":
		server := os.Getenv(EnvPostgres)
		if server == "" {
			t.Skip(EnvPostgres + " not set")
		}
		pgOnce.Do(func() { preparePostgres(server) })
		if pgErr != nil {
			t.Fatalf("postgres: %v", pgErr)
		}
		schema := fmt.Sprintf("t%d", schemaN.Add(1))
		var a *sql.DB
		a, err = sql.Open("pgx", pgURL)
		if err == nil {
			_, err = a.Exec("CREATE SCHEMA " + schema)
			a.Close()
		}
		if err == nil {
			sep := "?"
			if strings.Contains(pgURL, "?") {
				sep = "&"
			}
			d, err = db.Open(ctx, pgURL+sep+"search_path="+schema)
		}
	default:
		t.Fatalf("dbtest: unknown database %q", name)
	}
	if err != nil {
		t.Fatalf("dbtest: open %s: %v", name, err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// Each runs fn as a subtest on every database.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) { fn(t, Open(t, name)) })
	}
}
