package person

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
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// Transfer moves a person between organizations (转接): the sending side
// asks, the receiving organization approves or rejects; the record stays.
type Transfer struct {
	ID           int64      `json:"id"`
	PersonID     int64      `json:"person_id"`
	PersonName   string     `json:"person_name"`
	IDMasked     string     `json:"id_number"`
	FromOrgID    int64      `json:"from_org_id"`
	FromOrgName  string     `json:"from_org_name"`
	FromPath     string     `json:"-"`
	ToOrgID      int64      `json:"to_org_id"`
	ToOrgName    string     `json:"to_org_name"`
	ToPath       string     `json:"-"`
	Reason       string     `json:"reason"`
	TransferDate string     `json:"transfer_date"`
	Status       string     `json:"status"`
	RequestedAt  time.Time  `json:"requested_at"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
	Note         string     `json:"note"`
}

// Transfer states.
const (
	TransferPending   = "pending"
	TransferApproved  = "approved"
	TransferRejected  = "rejected"
	TransferCancelled = "cancelled"
)

// TransferInput is a transfer request: the receiving organization by code
// (the sender may not be able to see it otherwise), the reason, the date.
type TransferInput struct {
	ToOrgCode string `json:"to_org_code"`
	Reason    string `json:"reason"`
	Date      string `json:"transfer_date"`
}

const transferColumns = `t.id, t.person_id, p.name, p.id_masked, t.from_org_id, f.name, f.path, t.to_org_id, o.name, t.to_path,
	t.reason, t.transfer_date, t.status, t.requested_at, t.decided_at, t.note`

const transferFrom = ` FROM transfers t JOIN people p ON p.id = t.person_id JOIN orgs f ON f.id = t.from_org_id JOIN orgs o ON o.id = t.to_org_id`

func scanTransfer(sc interface{ Scan(...any) error }, t *Transfer) error {
	return sc.Scan(&t.ID, &t.PersonID, &t.PersonName, &t.IDMasked, &t.FromOrgID, &t.FromOrgName, &t.FromPath, &t.ToOrgID,
		&t.ToOrgName, &t.ToPath, &t.Reason, &t.TransferDate, &t.Status, &t.RequestedAt, &t.DecidedAt, &t.Note)
}

// RequestTransfer asks to move a person (in the actor's write scope) to
// another active organization. One request per person may be pending.
func (s *Service) RequestTransfer(ctx context.Context, by *auth.Actor, personID int64, in TransferInput) (*Transfer, error) {
	p, err := s.Get(ctx, by, personID)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.PersonWrite, p.OrgPath) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	var f errs.Fields
	in.ToOrgCode, in.Reason, in.Date = strings.TrimSpace(in.ToOrgCode), strings.TrimSpace(in.Reason), strings.TrimSpace(in.Date)
	var toID int64
	var toPath, status string
	err = s.db.R().QueryRowContext(ctx, `SELECT id, path, status FROM orgs WHERE code = $1`, in.ToOrgCode).Scan(&toID, &toPath, &status)
	switch {
	case in.ToOrgCode == "":
		f.Add("to_org_code", "err.required")
	case errors.Is(err, db.ErrNoRows) || (err == nil && status != "active"):
		f.Add("to_org_code", "err.org_unknown")
	case err != nil:
		return nil, err
	case toID == p.OrgID:
		f.Add("to_org_code", "err.transfer_same")
	}
	if n := utf8.RuneCountInString(in.Reason); n == 0 {
		f.Add("reason", "err.required")
	} else if n > 500 || !printable(in.Reason) {
		f.Add("reason", "err.too_long")
	}
	if in.Date == "" {
		in.Date = s.now().In(shanghai).Format(time.DateOnly)
	} else if !validDate(in.Date) {
		f.Add("transfer_date", "err.date")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var pending int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM transfers WHERE person_id = $1 AND status = $2`,
			personID, TransferPending).Scan(&pending); err != nil {
			return err
		}
		if pending > 0 {
			return errs.E(errs.Conflict, "err.transfer_pending")
		}
		id, err = s.insertTransfer(ctx, tx, by, p, toID, toPath, in.Reason, in.Date)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.transfer(ctx, s.db.R(), id)
}

// insertTransfer records a pending transfer of p to the organization
// toID (at toPath) with its audit record; the caller has checked that the
// actor may ask and that none is pending.
func (s *Service) insertTransfer(ctx context.Context, tx *db.Tx, by *auth.Actor, p *Person, toID int64, toPath, reason, date string) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO transfers (person_id, from_org_id, to_org_id, to_path, reason, transfer_date,
		status, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		p.ID, p.OrgID, toID, toPath, reason, date, TransferPending, by.UserID, s.now().UTC()).Scan(&id); err != nil {
		return 0, err
	}
	return id, s.audit.Record(ctx, tx, audit.Entry{Action: "person.transfer.request", ObjectType: "transfer", ObjectID: id,
		OrgID: p.OrgID, Summary: fmt.Sprintf("person=%d to=%d", p.ID, toID)})
}

func (s *Service) transfer(ctx context.Context, q db.Q, id int64) (*Transfer, error) {
	var t Transfer
	err := scanTransfer(q.QueryRowContext(ctx, `SELECT `+transferColumns+transferFrom+` WHERE t.id = $1`, id), &t)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return &t, err
}

// visible reports whether the actor may see a transfer: the sending side
// reads the person, the receiving side decides on it.
func visible(by *auth.Actor, t *Transfer) bool {
	return by.Can(auth.PersonRead, t.FromPath) || by.Can(auth.PersonWrite, t.ToPath)
}

// GetTransfer returns a transfer visible to the actor.
func (s *Service) GetTransfer(ctx context.Context, by *auth.Actor, id int64) (*Transfer, error) {
	t, err := s.transfer(ctx, s.db.R(), id)
	if err != nil {
		return nil, err
	}
	if !visible(by, t) {
		return nil, errs.ErrNotFound
	}
	return t, nil
}

// ApproveTransfer is the receiving organization's consent: the person
// moves, the counts follow, the growth record notes it.
func (s *Service) ApproveTransfer(ctx context.Context, by *auth.Actor, id int64, note string) (*Transfer, error) {
	return s.decide(ctx, by, id, TransferApproved, note)
}

// RejectTransfer refuses a transfer (receiving side); the person stays.
func (s *Service) RejectTransfer(ctx context.Context, by *auth.Actor, id int64, note string) (*Transfer, error) {
	return s.decide(ctx, by, id, TransferRejected, note)
}

// CancelTransfer withdraws a pending request (sending side).
func (s *Service) CancelTransfer(ctx context.Context, by *auth.Actor, id int64) (*Transfer, error) {
	return s.decide(ctx, by, id, TransferCancelled, "")
}

func (s *Service) decide(ctx context.Context, by *auth.Actor, id int64, to, note string) (*Transfer, error) {
	t, err := s.transfer(ctx, s.db.R(), id)
	if err != nil {
		return nil, err
	}
	side := t.ToPath // approving and rejecting are the receiver's
	if to == TransferCancelled {
		side = t.FromPath
	}
	if !by.Can(auth.PersonWrite, side) {
		if visible(by, t) {
			return nil, errs.E(errs.Forbidden, "err.forbidden")
		}
		return nil, errs.ErrNotFound
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 500 || !printable(note) {
		return nil, (errs.Fields{"note": "err.too_long"}).Err()
	}
	now := s.now().UTC()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE transfers SET status = $1, decided_by = $2, decided_at = $3, note = $4
			WHERE id = $5 AND status = $6`, to, by.UserID, now, note, id, TransferPending)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "err.transfer_decided")
		}
		if to == TransferApproved {
			if err := s.moveTransferred(ctx, tx, t, now); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "person.transfer." + to, ObjectType: "transfer", ObjectID: id,
			OrgID: t.ToOrgID, Summary: fmt.Sprintf("person=%d from=%d to=%d", t.PersonID, t.FromOrgID, t.ToOrgID)})
	})
	if err != nil {
		return nil, err
	}
	return s.transfer(ctx, s.db.R(), id)
}

// moveTransferred puts the person in the receiving organization. A person
// who has meanwhile left the sending organization cannot be moved by this
// request.
func (s *Service) moveTransferred(ctx context.Context, tx *db.Tx, t *Transfer, now time.Time) error {
	p, err := byID(ctx, tx, t.PersonID)
	if err != nil {
		return err
	}
	if p.OrgID != t.FromOrgID {
		return errs.E(errs.Conflict, "err.transfer_moved")
	}
	db.BumpPeopleVersion(tx)
	if _, err := tx.ExecContext(ctx, `UPDATE people SET org_id = $1, org_path = $2, updated_at = $3 WHERE id = $4`,
		t.ToOrgID, t.ToPath, now, p.ID); err != nil {
		return err
	}
	r := newRollup()
	r.add(p.OrgPath, p.Status, -1)
	r.add(t.ToPath, p.Status, 1)
	if err := r.apply(ctx, tx); err != nil {
		return err
	}
	at, err := time.ParseInLocation(time.DateOnly, t.TransferDate, shanghai)
	if err != nil {
		at = now
	}
	_, err = activity.Add(ctx, tx, activity.Entry{OrgID: t.ToOrgID, PersonID: p.ID, Kind: KindTransferred, RefType: "transfer",
		RefID: t.ID, OccurredAt: at})
	return err
}

// TransferFilter selects transfers: the actor's incoming (to decide) or
// outgoing ones, or one person's history.
type TransferFilter struct {
	Incoming bool
	Person   int64
	Status   string // "" any
	Before   int64  // ID of the previous page's last row
	Limit    int
}

// Transfers lists transfers newest first, keyset-paged by ID. Incoming
// are those to organizations in the actor's write scope; outgoing, those
// of people the actor reads.
func (s *Service) Transfers(ctx context.Context, by *auth.Actor, f TransferFilter) ([]Transfer, error) {
	var a db.Args
	var where []string
	switch {
	case f.Person > 0:
		if _, err := s.Get(ctx, by, f.Person); err != nil {
			return nil, err
		}
		where = append(where, "t.person_id = "+a.Add(f.Person))
	case f.Incoming:
		where = append(where, by.Scope(auth.PersonWrite).Where("t.to_path", &a))
	default:
		where = append(where, by.Scope(auth.PersonRead).Where("f.path", &a))
	}
	if f.Status != "" {
		where = append(where, "t.status = "+a.Add(f.Status))
	}
	if f.Before > 0 {
		where = append(where, "t.id < "+a.Add(f.Before))
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+transferColumns+transferFrom+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY t.id DESC LIMIT `+a.Add(f.Limit), a.List()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Transfer{}
	for rows.Next() {
		var t Transfer
		if err := scanTransfer(rows, &t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
