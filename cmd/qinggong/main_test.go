package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qinggong/internal/db"
)

// cli runs the command line in-process against a fresh SQLite database.
func cli(t *testing.T, env map[string]string, args ...string) (int, string) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String() + errOut.String()
}

func TestCommandLine(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"QG_DB": "sqlite:" + filepath.Join(dir, "q.db"), "QG_ADMIN_PASSWORD": "Cli-Test-Pass-2026"}
	steps := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"version"}, 0, "qinggong"},
		{[]string{"serve", "--no-such-flag"}, 2, "flag provided but not defined"},
		{[]string{"nonsense"}, 2, "unknown command"},
		{[]string{"migrate"}, 0, "sysadmin"}, // first start prints the generated officer passwords once
		{[]string{"migrate"}, 0, "up to date"},
		{[]string{"user", "add", "--login", "zhang.wei", "--name", "张伟"}, 0, "created zhang.wei"},
		{[]string{"user", "add", "--login", "zhang.wei"}, 1, "login_taken"},
		{[]string{"user", "grant", "--login", "zhang.wei", "--role", "viewer", "--org", "SH"}, 0, "granted viewer"},
		{[]string{"user", "grant", "--login", "zhang.wei", "--role", "auditor"}, 1, "officer_exclusive"},
		{[]string{"user", "passwd", "--login", "zhang.wei", "--password", "short"}, 1, "password_short"},
		{[]string{"token", "create", "--user", "zhang.wei"}, 0, "qgp_"},
		{[]string{"token", "create"}, 2, "--user is required"},
		{[]string{"audit", "verify"}, 0, "audit log intact"},
		{[]string{"backup", filepath.Join(dir, "copy.db")}, 0, "backup written"},
		{[]string{"backup"}, 2, "Usage"},
	}
	for _, s := range steps {
		code, out := cli(t, env, s.args...)
		if code != s.code || !strings.Contains(out, s.want) {
			t.Fatalf("qinggong %s: exit %d, want %d; output lacks %q:\n%s", strings.Join(s.args, " "), code, s.code, s.want, out)
		}
	}
	if st, err := os.Stat(filepath.Join(dir, "qinggong.key")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("secret file: %v %v", st, err)
	}
	// A people count that disagrees with the registry fails the check;
	// rebuilding puts it right.
	d, err := db.Open(context.Background(), env["QG_DB"])
	if err != nil {
		t.Fatal(err)
	}
	err = d.InTx(context.Background(), func(tx *db.Tx) error {
		_, err := tx.ExecContext(context.Background(), `INSERT INTO org_people (org_id, status, people) VALUES (1, 'active', 7)`)
		return err
	})
	d.Close()
	if err != nil {
		t.Fatal(err)
	}
	if code, out := cli(t, env, "audit", "verify"); code == 0 || !strings.Contains(out, "people counts differ") {
		t.Fatalf("verify with a wrong people count: exit %d\n%s", code, out)
	}
	if code, out := cli(t, env, "audit", "rebuild"); code != 0 || !strings.Contains(out, "people and credit rollups rebuilt") {
		t.Fatalf("rebuild: exit %d\n%s", code, out)
	}
	if code, out := cli(t, env, "audit", "verify"); code != 0 {
		t.Fatalf("verify after rebuild: exit %d\n%s", code, out)
	}
	// The admin password comes from QG_ADMIN_PASSWORD and is never printed.
	_, out := cli(t, env, "migrate")
	if strings.Contains(out, env["QG_ADMIN_PASSWORD"]) {
		t.Fatal("admin's password printed")
	}
}
