package skills

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/activity"
	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/event"
	"qinggong/internal/org"
	"qinggong/internal/person"
)

// Service is the credit system.
type Service struct {
	db        *db.DB
	audit     *audit.Log
	orgs      *org.Service
	people    *person.Service
	events    *event.Service
	campaigns *campaign.Service
	now       func() time.Time
	boards    boardCache // the skills months' live boards
	// Kept figures, under the credits version (and the cache or people
	// version) a request read with its session.
	overviews   *db.VersionCache[*Overview]
	transcripts *db.VersionCache[*Transcript]
	owns        *db.VersionCache[*Own]
}

// New returns the credit system; courses are held through events, and
// placements go forward through campaigns (nil: they cannot). Wire
// OrgMoved into the organization service once (app.Wire does).
func New(d *db.DB, a *audit.Log, orgs *org.Service, people *person.Service, events *event.Service, campaigns *campaign.Service,
	now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	event.RegisterKind("course")
	return &Service{db: d, audit: a, orgs: orgs, people: people, events: events, campaigns: campaigns, now: now,
		overviews: db.NewVersionCache[*Overview](2000), transcripts: db.NewVersionCache[*Transcript](20000),
		owns: db.NewVersionCache[*Own](20000)}
}

// posting is one entry to write.
type posting struct {
	PersonID, OrgID int64
	OrgPath         string
	IssuerID        int64
	Category        string
	Trade           string // the source's trade, else the person's
	Credits         int
	Source          string
	SourceID        int64
	Rule            string
	Reverses        int64
	Reason          string
	Expires         string
	Year            int    // the year and month it counts in: now, or a
	Month           string // reversed entry's own
}

// member is where a person stands when credited.
type member struct {
	orgID       int64
	path, trade string
}

// memberOf reads a person's organization and trade inside tx.
func memberOf(ctx context.Context, q db.Q, personID int64) (member, error) {
	var m member
	err := q.QueryRowContext(ctx, `SELECT org_id, org_path, trade FROM people WHERE id = $1`, personID).Scan(&m.orgID, &m.path, &m.trade)
	return m, err
}

// post writes entries with every sum they move, inside tx: the balance
// and the year-and-category total of each person, and the month-and-
// category cell of each person's organization and its ancestors (each
// cell once per call, however many entries fall in it). Credits earned
// go to the activity ledger too. It returns the entries' IDs in order.
func (s *Service) post(ctx context.Context, tx *db.Tx, by *auth.Actor, ps []posting) ([]int64, error) {
	now := s.now().UTC()
	type cell struct {
		org                    int64
		month, category, trade string
	}
	type pyear struct {
		person   int64
		year     int
		category string
	}
	cells, years := map[cell][2]int{}, map[pyear]int{}
	balances := map[int64][2]int{}
	var order []int64
	ids := make([]int64, len(ps))
	var acts []activity.Entry
	paths := map[int64]string{}
	for i, p := range ps {
		if p.Year == 0 {
			p.Year, p.Month = now.In(shanghai).Year(), now.In(shanghai).Format("2006-01")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO credit_entries (person_id, org_id, org_path, issuer_id, category, credits, source,
			source_id, rule, reverses, reason, expires, year, month, issued_by, at, trade)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
			p.PersonID, p.OrgID, p.OrgPath, p.IssuerID, p.Category, p.Credits, p.Source, p.SourceID, p.Rule, p.Reverses, p.Reason,
			p.Expires, p.Year, p.Month, by.UserID, now, p.Trade).Scan(&ids[i]); err != nil {
			if db.IsUniqueViolation(err) {
				return nil, errs.E(errs.Conflict, "err.credit_reversed")
			}
			return nil, err
		}
		for _, o := range db.PathIDs(p.OrgPath) {
			c := cell{o, p.Month, p.Category, p.Trade}
			v := cells[c]
			cells[c] = [2]int{v[0] + p.Credits, v[1] + 1}
		}
		years[pyear{p.PersonID, p.Year, p.Category}] += p.Credits
		if _, ok := balances[p.PersonID]; !ok {
			order = append(order, p.PersonID)
		}
		b := balances[p.PersonID]
		balances[p.PersonID] = [2]int{b[0] + p.Credits, b[1] + 1}
		if p.Credits > 0 {
			paths[p.OrgID] = p.OrgPath
			acts = append(acts, activity.Entry{OrgID: p.OrgID, PersonID: p.PersonID, Kind: KindCredit, RefType: "credit_entry",
				RefID: ids[i], OccurredAt: now, Amount: int64(p.Credits)})
		}
	}
	for _, person := range order {
		b := balances[person]
		if _, err := tx.ExecContext(ctx, `INSERT INTO credit_balances (person_id, total, entries, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (person_id) DO UPDATE SET total = credit_balances.total + excluded.total,
			entries = credit_balances.entries + excluded.entries, updated_at = excluded.updated_at`, person, b[0], b[1], now); err != nil {
			return nil, err
		}
	}
	for k, n := range years {
		if _, err := tx.ExecContext(ctx, `INSERT INTO credit_person_years (person_id, year, category, credits) VALUES ($1, $2, $3, $4)
			ON CONFLICT (person_id, year, category) DO UPDATE SET credits = credit_person_years.credits + excluded.credits`,
			k.person, k.year, k.category, n); err != nil {
			return nil, err
		}
	}
	for k, v := range cells {
		if _, err := tx.ExecContext(ctx, `INSERT INTO credit_rollup (org_id, month, category, trade, credits, entries) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (org_id, month, category, trade) DO UPDATE SET credits = credit_rollup.credits + excluded.credits,
			entries = credit_rollup.entries + excluded.entries`, k.org, k.month, k.category, k.trade, v[0], v[1]); err != nil {
			return nil, err
		}
	}
	if len(acts) > 0 {
		if err := activity.AddMany(ctx, tx, acts, paths); err != nil {
			return nil, err
		}
	}
	db.BumpCreditsVersion(tx)
	return ids, nil
}

// Balance is a person's kept credit total.
func (s *Service) Balance(ctx context.Context, q db.Q, personID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT total FROM credit_balances WHERE person_id = $1`, personID).Scan(&n)
	if errors.Is(err, db.ErrNoRows) {
		return 0, nil
	}
	return n, err
}

const entryColumns = `e.id, e.person_id, e.org_id, e.issuer_id, e.category, e.credits, e.source, e.source_id, e.rule, e.reverses,
	e.reason, e.expires, e.at`

func scanEntry(sc interface{ Scan(...any) error }, e *Entry, extra ...any) error {
	return sc.Scan(append([]any{&e.ID, &e.PersonID, &e.OrgID, &e.IssuerID, &e.Category, &e.Credits, &e.Source, &e.SourceID, &e.Rule,
		&e.Reverses, &e.Reason, &e.Expires, &e.At}, extra...)...)
}

// ToReverse is an entry as its correction page shows it, with its person,
// to someone who may correct it (the checks of Reverse, before a reason).
func (s *Service) ToReverse(ctx context.Context, by *auth.Actor, entryID int64) (*Entry, *person.Person, error) {
	var e Entry
	var path string
	err := scanEntry(s.db.R().QueryRowContext(ctx, `SELECT `+entryColumns+`, e.org_path,
		EXISTS (SELECT 1 FROM credit_entries r WHERE r.reverses = e.id AND r.reverses <> 0) FROM credit_entries e WHERE e.id = $1`,
		entryID), &e, &path, &e.Reversed)
	if errors.Is(err, db.ErrNoRows) {
		return nil, nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	if !by.Can(auth.PersonRead, path) {
		return nil, nil, errs.ErrNotFound
	}
	if !by.Can(auth.SkillsManage, path) {
		return nil, nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	p, err := s.people.Get(ctx, by, e.PersonID)
	if err != nil {
		return nil, nil, err
	}
	return &e, p, nil
}

// Reverse corrects an entry with a reversing one (negative credits, the
// reason, counted in the reversed entry's year and month), never an edit.
// A reversal is itself never reversed, an entry is reversed once, and no
// balance goes below zero. It needs skills.manage on the person's
// organization at the time of the entry.
func (s *Service) Reverse(ctx context.Context, by *auth.Actor, entryID int64, reason string) (*Entry, error) {
	var e Entry
	var path string
	var year int
	var month, trade string
	err := scanEntry(s.db.R().QueryRowContext(ctx, `SELECT `+entryColumns+`, e.org_path, e.year, e.month, e.trade FROM credit_entries e WHERE e.id = $1`,
		entryID), &e, &path, &year, &month, &trade)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.PersonRead, path) {
		return nil, errs.ErrNotFound
	}
	if !by.Can(auth.SkillsManage, path) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return nil, (errs.Fields{"reason": "err.credit_reason"}).Err()
	case n > 500:
		return nil, (errs.Fields{"reason": "err.too_long"}).Err()
	}
	if e.Reverses != 0 || e.Source == SourceCorrection {
		return nil, errs.E(errs.Conflict, "err.credit_reverse_reversal")
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// The person's balance row orders concurrent corrections.
		if _, err := tx.ExecContext(ctx, `UPDATE credit_balances SET updated_at = updated_at WHERE person_id = $1`, e.PersonID); err != nil {
			return err
		}
		var reversed int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM credit_entries WHERE reverses = $1 AND reverses <> 0`, e.ID).Scan(&reversed); err != nil {
			return err
		}
		if reversed > 0 {
			return errs.E(errs.Conflict, "err.credit_reversed")
		}
		bal, err := s.Balance(ctx, tx, e.PersonID)
		if err != nil {
			return err
		}
		if bal-e.Credits < 0 {
			return errs.E(errs.Conflict, "err.credit_negative")
		}
		ids, err := s.post(ctx, tx, by, []posting{{PersonID: e.PersonID, OrgID: e.OrgID, OrgPath: path, IssuerID: e.IssuerID,
			Category: e.Category, Trade: trade, Credits: -e.Credits, Source: SourceCorrection, SourceID: e.ID, Rule: e.Rule, Reverses: e.ID,
			Reason: reason, Year: year, Month: month}})
		if err != nil {
			return err
		}
		id = ids[0]
		return s.audit.Record(ctx, tx, audit.Entry{Action: "credit.reverse", ObjectType: "credit_entry", ObjectID: e.ID, OrgID: e.OrgID,
			Summary: fmt.Sprintf("person=%d credits=%d reversal=%d", e.PersonID, e.Credits, id)})
	})
	if err != nil {
		return nil, err
	}
	var out Entry
	if err := scanEntry(s.db.R().QueryRowContext(ctx, `SELECT `+entryColumns+` FROM credit_entries e WHERE e.id = $1`, id), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// OrgMoved keeps the ledger's paths in step with a subtree move and
// carries the moved organization's monthly sums from its old ancestors to
// its new ones.
func (s *Service) OrgMoved(ctx context.Context, tx *db.Tx, m org.Moved) error {
	if err := db.MovePaths(ctx, tx, m.OldPath, m.NewPath, "credit_entries.org_path", "courses.org_path"); err != nil {
		return err
	}
	db.BumpCreditsVersion(tx)
	rows, err := tx.QueryContext(ctx, `SELECT month, category, trade, credits, entries FROM credit_rollup WHERE org_id = $1`, m.ID)
	if err != nil {
		return err
	}
	type row struct {
		month, category, trade string
		credits, entries       int
	}
	var moved []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.month, &r.category, &r.trade, &r.credits, &r.entries); err != nil {
			rows.Close()
			return err
		}
		moved = append(moved, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, side := range []struct {
		path string
		sign int
	}{{m.OldParentPath, -1}, {m.NewParentPath, 1}} {
		for _, o := range db.PathIDs(side.path) {
			for _, r := range moved {
				if _, err := tx.ExecContext(ctx, `INSERT INTO credit_rollup (org_id, month, category, trade, credits, entries)
					VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id, month, category, trade) DO UPDATE SET
					credits = credit_rollup.credits + excluded.credits, entries = credit_rollup.entries + excluded.entries`,
					o, r.month, r.category, r.trade, side.sign*r.credits, side.sign*r.entries); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
