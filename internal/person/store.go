package person

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"

	"qinggong/internal/db"
	"qinggong/internal/errs"
)

const columns = `id, org_id, org_path, name, initials, gender, birth_date, id_masked, phone_masked, email, ethnicity,
	education, political, league_joined, employer, job, trade, skill_level, title, tags, status, notes,
	COALESCE(user_id, 0), created_at, updated_at`

// briefColumns are what a list row shows, and the two times the API's
// list gives for each row (the page's rows never show them).
const briefColumns = `id, org_id, org_path, name, initials, gender, birth_date, id_masked, phone_masked, political, trade,
	skill_level, tags, status, created_at, updated_at`

// scanPerson scans a row of columns, then into extra any columns the
// query selects after them.
func scanPerson(sc interface{ Scan(...any) error }, p *Person, extra ...any) error {
	var tags string
	err := sc.Scan(append([]any{&p.ID, &p.OrgID, &p.OrgPath, &p.Name, &p.Initials, &p.Gender, &p.BirthDate, &p.IDMasked, &p.PhoneMasked,
		&p.Email, &p.Ethnicity, &p.Education, &p.Political, &p.LeagueJoined, &p.Employer, &p.Job, &p.Trade, &p.SkillLevel,
		&p.Title, &tags, &p.Status, &p.Notes, &p.UserID, &p.CreatedAt, &p.UpdatedAt}, extra...)...)
	p.Tags = tagList(tags)
	return err
}

func scanBrief(sc interface{ Scan(...any) error }, p *Person) error {
	var tags string
	err := sc.Scan(&p.ID, &p.OrgID, &p.OrgPath, &p.Name, &p.Initials, &p.Gender, &p.BirthDate, &p.IDMasked, &p.PhoneMasked,
		&p.Political, &p.Trade, &p.SkillLevel, &tags, &p.Status, &p.CreatedAt, &p.UpdatedAt)
	p.Tags = tagList(tags)
	return err
}

func byID(ctx context.Context, q db.Q, id int64) (*Person, error) {
	var p Person
	err := scanPerson(q.QueryRowContext(ctx, `SELECT `+columns+` FROM people WHERE id = $1`, id), &p)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// Sort orders of lists. Each is an index order, so a page is a range scan.
const (
	SortOrg  = "org"  // by organization, then registration (the default)
	SortName = "name" // by name
	SortNew  = "new"  // newest registrations first

	// sortInitials is the order of a search by pinyin initials (the order
	// of its index); a search by name is in name order.
	sortInitials = "initials"
)

// cursor is the opaque keyset position of a page: the sort key of the last
// row and its ID.
type cursor struct {
	key string
	id  int64
}

func (c cursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(c.key + "\x00" + strconv.FormatInt(c.id, 10)))
}

func parseCursor(s string) (cursor, bool) {
	if s == "" {
		return cursor{}, true
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, false
	}
	k, idText, ok := strings.Cut(string(b), "\x00")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 {
		return cursor{}, false
	}
	return cursor{key: k, id: id}, true
}

// keyOf is the sort key of p under sort.
func keyOf(p *Person, sort string) string {
	switch sort {
	case SortName:
		return p.Name
	case sortInitials:
		return p.Initials
	case SortNew:
		return ""
	}
	return p.OrgPath
}
