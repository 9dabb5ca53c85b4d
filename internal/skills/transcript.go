package skills

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/person"
)

// Transcript is a person's credits: the kept balance, totals by year and
// category, and the entries, newest first, each traceable to its source.
type Transcript struct {
	Person  *person.Person `json:"-"`
	Total   int            `json:"total"`
	Entries []Entry        `json:"entries"`
	Next    int64          `json:"next,omitempty"`
	Years   []YearTotal    `json:"years"`
}

// YearTotal is one year's credits in one category.
type YearTotal struct {
	Year     int    `json:"year"`
	Category string `json:"category"`
	Credits  int    `json:"credits"`
}

// Transcript reads the transcript of a person the actor may read.
func (s *Service) Transcript(ctx context.Context, by *auth.Actor, personID, before int64) (*Transcript, error) {
	p, err := s.people.Get(ctx, by, personID)
	if err != nil {
		return nil, err
	}
	return s.cachedTranscript(ctx, by, p, before)
}

// OwnTranscript is the transcript of the actor's own record.
func (s *Service) OwnTranscript(ctx context.Context, by *auth.Actor, before int64) (*Transcript, error) {
	p, err := s.people.Self(ctx, by)
	if err != nil {
		return nil, err
	}
	return s.cachedTranscript(ctx, by, p, before)
}

// cachedTranscript is p's transcript, kept under the credits and people
// versions the actor's session read (db.VersionCache): any posting, or any
// change to a person, makes every kept transcript unusable on every node.
// The caller has authorized the read; the value is shared, never changed.
func (s *Service) cachedTranscript(ctx context.Context, by *auth.Actor, p *person.Person, before int64) (*Transcript, error) {
	version := ""
	if by != nil && by.CreditsVersion != "" && by.PeopleVersion != "" {
		version = by.CreditsVersion + "|" + by.PeopleVersion
	}
	key := fmt.Sprintf("%d|%d", p.ID, before)
	if t, ok := s.transcripts.Get(version, key); ok {
		return t, nil
	}
	t, err := s.transcript(ctx, p, before)
	if err != nil {
		return nil, err
	}
	s.transcripts.Put(version, key, t)
	return t, nil
}

// entriesPage is how many entries one page shows.
const entriesPage = 50

func (s *Service) transcript(ctx context.Context, p *person.Person, before int64) (*Transcript, error) {
	t := &Transcript{Person: p, Entries: []Entry{}, Years: []YearTotal{}}
	var err error
	if t.Total, err = s.Balance(ctx, s.db.R(), p.ID); err != nil {
		return nil, err
	}
	a := &db.Args{}
	where := "e.person_id = " + a.Add(p.ID)
	if before > 0 {
		where += " AND e.id < " + a.Add(before)
	}
	// The source's title for courses; whether a later entry reversed it
	// ("<> 0" lets both engines use the partial reversal index: without
	// it each row scanned the whole ledger).
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+entryColumns+`, COALESCE(c.title, ''),
		EXISTS (SELECT 1 FROM credit_entries r WHERE r.reverses = e.id AND r.reverses <> 0)
		FROM credit_entries e LEFT JOIN courses c ON e.source = 'course' AND c.id = e.source_id
		WHERE `+where+` ORDER BY e.id DESC LIMIT `+a.Add(entriesPage+1), a.List()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e Entry
		if err := scanEntry(rows, &e, &e.Title, &e.Reversed); err != nil {
			return nil, err
		}
		t.Entries = append(t.Entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(t.Entries) > entriesPage {
		t.Entries = t.Entries[:entriesPage]
		t.Next = t.Entries[entriesPage-1].ID
	}
	ys, err := s.db.R().QueryContext(ctx, `SELECT year, category, credits FROM credit_person_years WHERE person_id = $1 AND credits <> 0
		ORDER BY year DESC, category`, p.ID)
	if err != nil {
		return nil, err
	}
	defer ys.Close()
	for ys.Next() {
		var y YearTotal
		if err := ys.Scan(&y.Year, &y.Category, &y.Credits); err != nil {
			return nil, err
		}
		t.Years = append(t.Years, y)
	}
	return t, ys.Err()
}

// Issued is a printed transcript's verification record.
type Issued struct {
	Code     string    `json:"code"`
	Name     string    `json:"name"` // masked: the surname and the last character
	Total    int       `json:"total"`
	Entries  int       `json:"entries"`
	IssuedAt time.Time `json:"issued_at"`
	Now      int       `json:"now"` // the balance today, which may have grown (or been corrected)
}

// IssueTranscript records a printed transcript of the actor's own record
// (or, for a reader of the person, theirs) and returns its verification
// code, which the page prints as a QR code.
func (s *Service) IssueTranscript(ctx context.Context, by *auth.Actor, personID int64) (*Issued, error) {
	var p *person.Person
	var err error
	if personID == 0 {
		p, err = s.people.Self(ctx, by)
	} else {
		p, err = s.people.Get(ctx, by, personID)
	}
	if err != nil {
		return nil, err
	}
	b := make([]byte, 10)
	rand.Read(b)
	code := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var total, entries int
		err := tx.QueryRowContext(ctx, `SELECT total, entries FROM credit_balances WHERE person_id = $1`, p.ID).Scan(&total, &entries)
		if err != nil && !errors.Is(err, db.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO credit_transcripts (code, person_id, total, entries, issued_by, issued_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, code, p.ID, total, entries, by.UserID, s.now().UTC()); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "credit.transcript", ObjectType: "person", ObjectID: p.ID, OrgID: p.OrgID,
			Summary: fmt.Sprintf("total=%d entries=%d", total, entries)})
	})
	if err != nil {
		return nil, err
	}
	return s.Verify(ctx, code)
}

// Verify answers a transcript's code for anyone, without a login: the
// masked name, what the transcript said, and the balance today.
func (s *Service) Verify(ctx context.Context, code string) (*Issued, error) {
	var out Issued
	var name string
	err := s.db.R().QueryRowContext(ctx, `SELECT t.code, p.name, t.total, t.entries, t.issued_at, COALESCE(b.total, 0)
		FROM credit_transcripts t JOIN people p ON p.id = t.person_id LEFT JOIN credit_balances b ON b.person_id = t.person_id
		WHERE t.code = $1`, strings.ToLower(strings.TrimSpace(code))).Scan(&out.Code, &name, &out.Total, &out.Entries, &out.IssuedAt, &out.Now)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	out.Name = mask(name)
	return &out, nil
}

// mask keeps a name's first and (for three or more) last character.
func mask(name string) string {
	r := []rune(name)
	switch n := utf8.RuneCountInString(name); {
	case n <= 1:
		return name
	case n == 2:
		return string(r[0]) + "*"
	default:
		return string(r[0]) + strings.Repeat("*", n-2) + string(r[n-1])
	}
}

// Mismatch is a kept sum that differs from the ledger.
type Mismatch struct {
	What       string
	Key        string
	Kept, Real int
}

// Check compares every kept sum with the ledger: each person's balance and
// entry count, each person's year-and-category total, and the root's
// monthly cells (the whole ledger). qinggong audit verify runs it.
func (s *Service) Check(ctx context.Context) ([]Mismatch, error) {
	var out []Mismatch
	queries := []struct{ what, q string }{
		// No FULL OUTER JOIN: SQLite runs it in time quadratic in the
		// people (9 s for 15,000 of them); each kept balance against its
		// person's entries (one range of credit_entries_person_years), then
		// the people with entries and no balance.
		{"balance", `SELECT CAST(person_id AS TEXT), kept, actual FROM (SELECT b.person_id, b.total AS kept,
			(SELECT COALESCE(SUM(e.credits), 0) FROM credit_entries e WHERE e.person_id = b.person_id) AS actual FROM credit_balances b) x
			WHERE kept <> actual`},
		{"balance", `SELECT CAST(e.person_id AS TEXT), 0, SUM(e.credits) FROM credit_entries e
			WHERE NOT EXISTS (SELECT 1 FROM credit_balances b WHERE b.person_id = e.person_id) GROUP BY e.person_id HAVING SUM(e.credits) <> 0`},
		{"year", `SELECT CAST(y.person_id AS TEXT) || '/' || CAST(y.year AS TEXT) || '/' || y.category, y.credits, COALESCE(e.total, 0)
			FROM credit_person_years y LEFT JOIN (SELECT person_id, year, category, SUM(credits) AS total FROM credit_entries
			GROUP BY person_id, year, category) e ON e.person_id = y.person_id AND e.year = y.year AND e.category = y.category
			WHERE y.credits <> COALESCE(e.total, 0)`},
		{"rollup", `SELECT r.month || '/' || r.category || '/' || r.trade, r.credits, COALESCE(e.total, 0) FROM credit_rollup r
			LEFT JOIN (SELECT month, category, trade, SUM(credits) AS total FROM credit_entries GROUP BY month, category, trade) e
			ON e.month = r.month AND e.category = r.category AND e.trade = r.trade
			WHERE r.org_id = (SELECT id FROM orgs WHERE parent_id IS NULL OR parent_id = 0 ORDER BY id LIMIT 1) AND r.credits <> COALESCE(e.total, 0)`},
	}
	for _, x := range queries {
		rows, err := s.db.R().QueryContext(ctx, x.q)
		if err != nil {
			return nil, fmt.Errorf("credit check %s: %w", x.what, err)
		}
		for rows.Next() {
			m := Mismatch{What: x.what}
			if err := rows.Scan(&m.Key, &m.Kept, &m.Real); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
