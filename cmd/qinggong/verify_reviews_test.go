package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"qinggong/internal/db"
)

// A review score edited in the table behind the service's back no longer
// matches its audit record: audit verify reports it.
func TestAuditVerifyReviews(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"QG_DB": "sqlite:" + filepath.Join(dir, "q.db"), "QG_ADMIN_PASSWORD": "Cli-Test-Pass-2026"}
	if code, out := cli(t, env, "demo", "--people", "3000"); code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, out)
	}
	if code, out := cli(t, env, "audit", "verify"); code != 0 || !strings.Contains(out, "review scores and credit sums match") {
		t.Fatalf("verify the demo: exit %d\n%s", code, out)
	}
	d, err := db.Open(context.Background(), env["QG_DB"])
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.W().ExecContext(context.Background(), `UPDATE review_scores SET score = score + 1
		WHERE assignment_id = (SELECT min(assignment_id) FROM review_scores)`)
	d.Close()
	if n, _ := res.RowsAffected(); err != nil || n == 0 {
		t.Fatalf("edit a score: %v (%d rows)", err, n)
	}
	if code, out := cli(t, env, "audit", "verify"); code == 0 || !strings.Contains(out, "review scores differ") {
		t.Fatalf("verify after editing a score: exit %d\n%s", code, out)
	}
}

// TestAuditVerifyCredits: a kept credit balance that no longer equals the
// ledger is reported by audit verify and put right by audit rebuild.
func TestAuditVerifyCredits(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo")
	}
	dir := t.TempDir()
	env := map[string]string{"QG_DB": "sqlite:" + filepath.Join(dir, "q.db"), "QG_ADMIN_PASSWORD": "Cli-Test-Pass-2026"}
	if code, out := cli(t, env, "demo", "--people", "3000"); code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, out)
	}
	d, err := db.Open(context.Background(), env["QG_DB"])
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.W().ExecContext(context.Background(), `UPDATE credit_balances SET total = total + 1
		WHERE person_id = (SELECT min(person_id) FROM credit_balances)`)
	d.Close()
	if n, _ := res.RowsAffected(); err != nil || n == 0 {
		t.Fatalf("edit a balance: %v (%d rows)", err, n)
	}
	if code, out := cli(t, env, "audit", "verify"); code == 0 || !strings.Contains(out, "credit sums differ") {
		t.Fatalf("verify after editing a balance: exit %d\n%s", code, out)
	}
	if code, out := cli(t, env, "audit", "rebuild"); code != 0 {
		t.Fatalf("rebuild: exit %d\n%s", code, out)
	}
	if code, out := cli(t, env, "audit", "verify"); code != 0 {
		t.Fatalf("verify after rebuild: exit %d\n%s", code, out)
	}
}
