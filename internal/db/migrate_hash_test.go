package db_test

import (
	"context"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"qinggong/internal/db/dbtest"
)

// Keyed hashes stored at 64 hexadecimal characters before migration 00007
// become their first 32 and then (00010) the 16 bytes those encode, which
// is what pii.Sealer.Index computes now; empty phone hashes stay empty.
func TestMigrationShortensIndexHashes(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			d := dbtest.OpenBare(t, name)
			if err := d.MigrateTo(ctx, 6); err != nil {
				t.Fatal(err)
			}
			now := time.Now().UTC()
			ids := []string{strings.Repeat("ab", 32), strings.Repeat("ef", 32)}
			phone := strings.Repeat("cd", 32)
			if _, err := d.W().ExecContext(ctx, `INSERT INTO orgs (id, path, depth, name, code, level, created_at, updated_at)
				VALUES (1, '/1/', 0, '团市委', 'ROOT', 'city', $1, $1)`, now); err != nil {
				t.Fatal(err)
			}
			for i, ph := range []string{phone, ""} {
				if _, err := d.W().ExecContext(ctx, `INSERT INTO people (org_id, org_path, name, initials, gender, birth_date,
					id_sealed, id_hash, id_masked, phone_hash, created_at, updated_at)
					VALUES (1, '/1/', '张三', 'zs', 'male', '1999-01-01', $1, $2, '310***', $3, $4, $4)`,
					[]byte{1}, ids[i], ph, now); err != nil {
					t.Fatal(err)
				}
			}
			if err := d.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			rows, err := d.R().QueryContext(ctx, `SELECT id_hash, phone_hash FROM people ORDER BY id`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var got []string
			for rows.Next() {
				var h, p []byte
				if err := rows.Scan(&h, &p); err != nil {
					t.Fatal(err)
				}
				got = append(got, hex.EncodeToString(h)+"|"+hex.EncodeToString(p))
			}
			want := []string{ids[0][:32] + "|" + phone[:32], ids[1][:32] + "|"}
			if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
				t.Errorf("after the migration: %v, want %v", got, want)
			}
		})
	}
}
