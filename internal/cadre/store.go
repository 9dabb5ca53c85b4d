package cadre

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"

	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// columns are a cadre's own columns and the names of its person and
// organization, over "cadres c JOIN people p … JOIN orgs o …" (fromJoined).
const columns = `c.id, c.person_id, p.name, c.org_id, o.name, c.org_path, c.post, c.basis, c.concurrent_post, c.relevance,
	c.prospects, c.prospects_note, c.hours_per_week, c.term_start, c.term_end, c.co_management, c.status, c.ended_on,
	c.end_reason, c.created_at, c.updated_at`

const fromJoined = ` FROM cadres c JOIN people p ON p.id = c.person_id JOIN orgs o ON o.id = c.org_id`

func scanCadre(sc interface{ Scan(...any) error }, c *Cadre) error {
	return sc.Scan(&c.ID, &c.PersonID, &c.PersonName, &c.OrgID, &c.OrgName, &c.OrgPath, &c.Post, &c.Basis, &c.Concurrent,
		&c.Relevance, &c.Prospects, &c.ProspectsNote, &c.Hours, &c.TermStart, &c.TermEnd, &c.CoManagement, &c.Status,
		&c.EndedOn, &c.EndReason, &c.CreatedAt, &c.UpdatedAt)
}

// byID reads one cadre whatever the scope (callers check it).
func byID(ctx context.Context, q db.Q, id int64) (*Cadre, error) {
	var c Cadre
	err := scanCadre(q.QueryRowContext(ctx, `SELECT `+columns+fromJoined+` WHERE c.id = $1`, id), &c)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// personRef is what this module reads of a person: where they are
// registered (for the actor's read scope) and their name.
type personRef struct {
	id      int64
	orgID   int64
	orgPath string
	name    string
}

// personByID reads a person's organization path and name; a missing person
// is NotFound.
func personByID(ctx context.Context, q db.Q, id int64) (personRef, error) {
	r := personRef{id: id}
	err := q.QueryRowContext(ctx, `SELECT org_id, org_path, name FROM people WHERE id = $1`, id).Scan(&r.orgID, &r.orgPath, &r.name)
	if errors.Is(err, db.ErrNoRows) {
		return personRef{}, errs.ErrNotFound
	}
	return r, err
}

// cursor is the opaque keyset position of a page: the organization path
// of the last row and its ID (lists are in (org_path, id) index order).
type cursor struct {
	path string
	id   int64
}

func (c cursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(c.path + "\x00" + strconv.FormatInt(c.id, 10)))
}

func parseCursor(s string) (cursor, bool) {
	if s == "" {
		return cursor{}, true
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, false
	}
	p, idText, ok := strings.Cut(string(b), "\x00")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 {
		return cursor{}, false
	}
	return cursor{path: p, id: id}, true
}

// after is the keyset condition past cur, "" for the first page.
func (cur cursor) after(a *db.Args) string {
	if cur.id == 0 {
		return ""
	}
	k := a.Add(cur.path)
	return " AND c.org_path >= " + k + " AND (c.org_path > " + k + " OR c.id > " + a.Add(cur.id) + ")"
}

// orgIDByCode finds an organization by its code, whatever the scope
// (callers read it through org.Service.FindByID); 0 when there is none.
func orgIDByCode(ctx context.Context, q db.Q, code string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM orgs WHERE code = $1`, code).Scan(&id)
	if errors.Is(err, db.ErrNoRows) {
		return 0, nil
	}
	return id, err
}
