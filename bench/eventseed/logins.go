package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"time"

	"qinggong/internal/app"
	"qinggong/internal/audit"
	"qinggong/internal/db"
)

// loginOf is the login eventseed gives a person.
func loginOf(personID int64) string { return fmt.Sprintf("bench.p%d", personID) }

// logins gives each person an account of their own organization, with no
// role and no usable password (a young worker's login), and links it to
// their record, in one transaction; it returns the accounts' IDs in the
// order of people.
func logins(ctx context.Context, a *app.App, people []person) ([]int64, error) {
	now := time.Now().UTC()
	byLogin := make(map[string]int64, len(people))
	err := a.DB.InTx(ctx, func(tx *db.Tx) error {
		rows := make([][]any, len(people))
		for i, p := range people {
			rows[i] = []any{loginOf(p.id), p.name, p.org, "!bench: no login", false, now, now}
		}
		if err := db.InsertRows(ctx, tx, `INSERT INTO users (login, name, org_id, password_hash, must_change, password_changed_at,
			created_at) VALUES`, rows, "RETURNING id, login", func(r *sql.Rows) error {
			var id int64
			var login string
			err := r.Scan(&id, &login)
			byLogin[login] = id
			return err
		}); err != nil {
			return err
		}
		// One statement links them all: what person.LinkLogin does one by
		// one, the people version moved with it.
		db.BumpPeopleVersion(tx)
		res, err := tx.ExecContext(ctx, `UPDATE people SET user_id = u.id FROM users u
			WHERE u.login = 'bench.p' || CAST(people.id AS TEXT) AND people.user_id IS NULL`)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != int64(len(people)) {
			return fmt.Errorf("linked %d people of %d (some had a login already?)", n, len(people))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(people))
	for i, p := range people {
		ids[i] = byLogin[loginOf(p.id)]
	}
	return ids, nil
}

// tokens issues an API token per account through the accounts service
// (each audited, a thousand per transaction) and writes them to file, one
// a line, in the order of users.
func tokens(ctx context.Context, a *app.App, users []int64, file string) error {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	ctx = audit.WithMeta(ctx, audit.Meta{Login: "eventseed"})
	for start := 0; start < len(users); start += 1000 {
		part := users[start:min(start+1000, len(users))]
		var toks []string
		err := a.DB.InTx(ctx, func(tx *db.Tx) error {
			tctx := tx.Context(ctx)
			for _, id := range part {
				t, err := a.Users.CreateToken(tctx, id, "bench", 7*24*time.Hour)
				if err != nil {
					return err
				}
				toks = append(toks, t)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, t := range toks {
			fmt.Fprintln(w, t)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}
