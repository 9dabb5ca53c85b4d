// Package audit is the append-only, hash-chained audit log. Every state change
// and every login attempt writes one record in the same transaction as the
// change, so a change without its record cannot commit (fail closed).
//
// Each row carries HMAC-SHA256(key, previous MAC ‖ canonical row) under a key
// held outside the database; triggers refuse UPDATE and DELETE; Verify
// recomputes the chain and names the first bad row.
package audit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"qinggong/internal/db"
)

// Meta is who is acting and from where; the web layer puts it in the request
// context and Record reads it from there.
type Meta struct {
	ActorID   int64
	Login     string
	Role      string
	OrgID     int64
	IP        string
	RequestID string
}

type metaKey struct{}

// WithMeta returns ctx carrying m.
func WithMeta(ctx context.Context, m Meta) context.Context {
	return context.WithValue(ctx, metaKey{}, m)
}

// MetaFrom returns the Meta in ctx (zero when absent: a command-line action).
func MetaFrom(ctx context.Context) Meta {
	m, _ := ctx.Value(metaKey{}).(Meta)
	return m
}

// Entry is one event. Summary describes the change in words; it must never
// hold a password, token or full personal identifier.
type Entry struct {
	Action     string // e.g. "org.create", "auth.login"
	ObjectType string
	ObjectID   int64
	Summary    string
	Result     string // "ok" (default) or "fail"
	// OrgID overrides the org of the acting user (the org the object lives in).
	OrgID int64
}

// Record is an Entry as stored.
type Record struct {
	Seq        int64
	At         time.Time
	ActorID    int64
	ActorLogin string
	Role       string
	OrgID      int64
	IP         string
	Action     string
	ObjectType string
	ObjectID   int64
	Summary    string
	Result     string
	RequestID  string
	MAC        string
}

// Log writes and verifies the audit log.
type Log struct {
	key []byte
	now func() time.Time
}

// New returns a Log keyed with key; now may be nil for time.Now.
func New(key []byte, now func() time.Time) *Log {
	if now == nil {
		now = time.Now
	}
	return &Log{key: key, now: now}
}

// Record appends e inside tx. The head row is updated first, which takes its
// row lock on PostgreSQL, so concurrent writers chain one after another.
func (l *Log) Record(ctx context.Context, tx *db.Tx, e Entry) error {
	m := MetaFrom(ctx)
	r := Record{
		At: l.now().UTC().Truncate(time.Millisecond), ActorID: m.ActorID, ActorLogin: m.Login,
		Role: m.Role, OrgID: m.OrgID, IP: m.IP, Action: e.Action, ObjectType: e.ObjectType,
		ObjectID: e.ObjectID, Summary: e.Summary, Result: e.Result, RequestID: m.RequestID,
	}
	if e.OrgID != 0 {
		r.OrgID = e.OrgID
	}
	if r.Result == "" {
		r.Result = "ok"
	}
	var prev string
	err := tx.QueryRowContext(ctx, `UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, mac`).Scan(&r.Seq, &prev)
	if err != nil {
		return fmt.Errorf("audit: head: %w", err)
	}
	r.MAC = l.mac(prev, &r)
	const insert = `INSERT INTO audit (seq, at, actor_id, actor_login, role, org_id, ip, action,
		object_type, object_id, summary, result, request_id, mac)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`
	args := []any{r.Seq, r.At, r.ActorID, r.ActorLogin, r.Role, r.OrgID, r.IP, r.Action,
		r.ObjectType, r.ObjectID, r.Summary, r.Result, r.RequestID, r.MAC}
	if tx.Dialect == db.Postgres {
		// The head row, which every audited write takes, is held from the
		// first statement to the commit: on PostgreSQL the row and the new
		// head go in one round trip.
		if _, err := tx.ExecContext(ctx, `WITH ins AS (`+insert+`) UPDATE audit_head SET mac = $14 WHERE id = 1`, args...); err != nil {
			return fmt.Errorf("audit: insert: %w", err)
		}
		return nil
	}
	if _, err := tx.ExecContext(ctx, insert, args...); err != nil {
		return fmt.Errorf("audit: insert: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET mac = $1 WHERE id = 1`, r.MAC); err != nil {
		return fmt.Errorf("audit: head: %w", err)
	}
	return nil
}

func (l *Log) mac(prev string, r *Record) string {
	h := hmac.New(sha256.New, l.key)
	fields := []string{prev, strconv.FormatInt(r.Seq, 10), r.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(r.ActorID, 10), r.ActorLogin, r.Role, strconv.FormatInt(r.OrgID, 10), r.IP,
		r.Action, r.ObjectType, strconv.FormatInt(r.ObjectID, 10), r.Summary, r.Result, r.RequestID}
	for _, f := range fields {
		// Length-prefixing makes the encoding unambiguous whatever the fields hold.
		fmt.Fprintf(h, "%d:%s", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Problem names the first row where the chain breaks.
type Problem struct {
	Seq    int64
	Reason string
}

func (p *Problem) Error() string { return fmt.Sprintf("audit row %d: %s", p.Seq, p.Reason) }

// Verify recomputes the chain from the first row to the head and returns
// the number of rows checked and the first problem found (nil when the log
// is intact). The head is read first and the rows up to it checked, so that
// rows appended while Verify runs on a live database are not taken for
// rows removed from the end.
func (l *Log) Verify(ctx context.Context, q db.Q) (int64, *Problem, error) {
	var headSeq int64
	var headMAC string
	if err := q.QueryRowContext(ctx, `SELECT seq, mac FROM audit_head WHERE id = 1`).Scan(&headSeq, &headMAC); err != nil {
		return 0, nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT `+columns+` FROM audit WHERE seq <= $1 ORDER BY seq`, headSeq)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	var prev string
	var n, want int64 = 0, 1
	for rows.Next() {
		var r Record
		if err := scan(rows, &r); err != nil {
			return n, nil, err
		}
		n++
		switch {
		case r.Seq != want:
			return n, &Problem{Seq: want, Reason: fmt.Sprintf("missing (next row is %d)", r.Seq)}, nil
		case !hmac.Equal([]byte(l.mac(prev, &r)), []byte(r.MAC)):
			return n, &Problem{Seq: r.Seq, Reason: "MAC does not match its contents and predecessor"}, nil
		}
		prev, want = r.MAC, want+1
	}
	if err := rows.Err(); err != nil {
		return n, nil, err
	}
	if headSeq != want-1 || headMAC != prev {
		return n, &Problem{Seq: want, Reason: fmt.Sprintf("log ends at %d but head says %d (rows removed from the end)", want-1, headSeq)}, nil
	}
	// Record moves the head in the same transaction as it inserts, so in any
	// one snapshot no row lies past the head unless it was written around the log.
	var beyond int64
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(min(seq), 0) FROM audit WHERE seq > (SELECT seq FROM audit_head WHERE id = 1)`).Scan(&beyond); err != nil {
		return n, nil, err
	}
	if beyond != 0 {
		return n, &Problem{Seq: beyond, Reason: "row past the head (not written by the log)"}, nil
	}
	return n, nil, nil
}

const columns = `seq, at, actor_id, actor_login, role, org_id, ip, action, object_type, object_id, summary, result, request_id, mac`

type scanner interface{ Scan(...any) error }

func scan(s scanner, r *Record) error {
	return s.Scan(&r.Seq, &r.At, &r.ActorID, &r.ActorLogin, &r.Role, &r.OrgID, &r.IP, &r.Action,
		&r.ObjectType, &r.ObjectID, &r.Summary, &r.Result, &r.RequestID, &r.MAC)
}

// Clean strips control characters (log injection) and bounds the length of a
// value placed in a summary.
func Clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
