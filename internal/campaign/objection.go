package campaign

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/attach"
	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// Objection states: raised (open), being looked into, then upheld or
// dismissed with a reason. A final decision stands.
const (
	ObjOpen          = "open"
	ObjInvestigating = "investigating"
	ObjUpheld        = "upheld"
	ObjDismissed     = "dismissed"
)

const (
	// MaxAttachment is the largest file an objection may carry.
	MaxAttachment = attach.Max
	// objectionsPerDay is how many objections one address may raise in
	// one campaign on one day.
	objectionsPerDay = 5
)

// ObjectionInput is an objection raised by anyone during the notice:
// about one candidate, with the facts, optionally a name, a contact and
// one file as evidence.
type ObjectionInput struct {
	NominationID int64       `json:"nomination_id"`
	Name         string      `json:"name"`    // may be empty: objections may be anonymous
	Contact      string      `json:"contact"` // may be empty
	Text         string      `json:"text"`    // 10 to 2000 characters
	File         *Attachment `json:"file,omitempty"`
}

// Attachment is a file attached to a nomination or an objection.
type Attachment = attach.File

// Receipt is what the sender of an objection is given.
type Receipt struct {
	Ref string    `json:"ref"`
	At  time.Time `json:"at"`
}

// Objection is an objection as the organizer reads it.
type Objection struct {
	ID           int64      `json:"id"`
	CampaignID   int64      `json:"campaign_id"`
	NominationID int64      `json:"nomination_id"`
	NomineeName  string     `json:"nominee_name"`
	Ref          string     `json:"ref"`
	Name         string     `json:"name"`
	Contact      string     `json:"contact"`
	Text         string     `json:"text"`
	Status       string     `json:"status"`
	Reason       string     `json:"reason"`
	FileName     string     `json:"file_name,omitempty"`
	FileType     string     `json:"file_type,omitempty"`
	FileSize     int        `json:"file_size,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
}

// Decision is the organizer's handling of an objection.
type Decision struct {
	Status string `json:"status"` // investigating, upheld or dismissed
	Reason string `json:"reason"` // required for upheld and dismissed
}

// Object raises an objection. Anyone may (no actor; audited as
// "anonymous" with the client's address), about a candidate on the
// notice, on a day of the notice's period while the campaign is in
// publicity (Conflict otherwise; NotFound when there is no public
// notice). A file is kept in the database: a PDF, JPEG or PNG by its
// content, at most 5 MB. One address raises at most five objections a day
// in a campaign (TooMany).
func (s *Service) Object(ctx context.Context, campaignID int64, in ObjectionInput, clientAddr string) (*Receipt, error) {
	m := audit.MetaFrom(ctx)
	m.ActorID, m.Login, m.Role = 0, "anonymous", ""
	if m.IP == "" {
		m.IP = clientAddr
	}
	ctx = audit.WithMeta(ctx, m)
	f, file := checkObjection(&in)
	now := s.now().UTC()
	today := noticeDay(now)
	var rc Receipt
	err := s.inTx(ctx, func(tx *db.Tx) error {
		c, err := byID(ctx, tx, campaignID)
		if err != nil {
			return err
		}
		if stageIndex(c.Stage) < stageIndex(StagePublicity) {
			return errs.ErrNotFound
		}
		n, err := noticeOf(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if c.Stage != StagePublicity || today < n.Starts || today > n.Ends {
			return errs.E(errs.Conflict, "err.objection_period")
		}
		var nominee string
		err = tx.QueryRowContext(ctx, `SELECT m.nominee_name FROM notice_items i JOIN nominations m ON m.id = i.nomination_id
			WHERE i.campaign_id = $1 AND i.nomination_id = $2`, c.ID, in.NominationID).Scan(&nominee)
		if errors.Is(err, db.ErrNoRows) {
			f.Add("nomination_id", "err.choose")
		} else if err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		// The counter's row is updated first: on PostgreSQL its lock
		// orders concurrent objections to the campaign, so the count
		// below cannot be passed by two at once.
		if _, err := tx.ExecContext(ctx, `UPDATE notices SET objections = objections + 1 WHERE campaign_id = $1`, c.ID); err != nil {
			return err
		}
		var sent int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM objections WHERE campaign_id = $1 AND client = $2 AND day = $3`,
			c.ID, clientAddr, today).Scan(&sent); err != nil {
			return err
		}
		if sent >= objectionsPerDay {
			return errs.E(errs.TooMany, "err.objection_limit")
		}
		rc = Receipt{Ref: fmt.Sprintf("%d-%s", c.ID, strings.ToUpper(randomBase32(5))), At: now}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO objections (campaign_id, nomination_id, ref, name, contact, body, client, day,
			status, file_name, file_type, file_size, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			c.ID, in.NominationID, rc.Ref, in.Name, in.Contact, in.Text, clientAddr, today, ObjOpen, file.Name, file.Type,
			len(file.Data), now).Scan(&id); err != nil {
			return err
		}
		if len(file.Data) > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO objection_files (objection_id, data) VALUES ($1, $2)`, id, file.Data); err != nil {
				return err
			}
		}
		// The summary names no one and quotes nothing: an objection may
		// hold personal data of the sender and of the nominee.
		return s.audit.Record(ctx, tx, audit.Entry{Action: "campaign.objection.create", ObjectType: "objection", ObjectID: id,
			OrgID: c.OrgID, Summary: fmt.Sprintf("campaign=%d nomination=%d file=%t", c.ID, in.NominationID, len(file.Data) > 0)})
	})
	if err != nil {
		return nil, err
	}
	return &rc, nil
}

// checkObjection trims the input and checks it; the attachment returned
// has its sniffed type and a safe name (empty when there is none).
func checkObjection(in *ObjectionInput) (errs.Fields, Attachment) {
	var f errs.Fields
	in.Name, in.Contact, in.Text = strings.TrimSpace(in.Name), strings.TrimSpace(in.Contact), strings.TrimSpace(in.Text)
	if utf8.RuneCountInString(in.Name) > 50 {
		f.Add("name", "err.too_long")
	}
	if utf8.RuneCountInString(in.Contact) > 100 {
		f.Add("contact", "err.too_long")
	}
	if n := utf8.RuneCountInString(in.Text); n < 10 || n > 2000 {
		f.Add("text", "err.objection_text")
	}
	if in.File == nil || len(in.File.Data) == 0 {
		return f, Attachment{}
	}
	a, bad := attach.Clean(in.File)
	switch bad {
	case "size":
		f.Add("file", "err.objection_file_size")
	case "type":
		f.Add("file", "err.objection_file_type")
	}
	return f, a
}

// randomBase32 is n random bytes in lower-case base32 without padding.
func randomBase32(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand panics rather)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

const objectionColumns = `o.id, o.campaign_id, o.nomination_id, m.nominee_name, o.ref, o.name, o.contact, o.body, o.status, o.reason,
	o.file_name, o.file_type, o.file_size, o.created_at, o.decided_at`

const objectionFrom = ` FROM objections o JOIN nominations m ON m.id = o.nomination_id`

func scanObjection(sc interface{ Scan(...any) error }, o *Objection) error {
	var decided sql.NullTime
	if err := sc.Scan(&o.ID, &o.CampaignID, &o.NominationID, &o.NomineeName, &o.Ref, &o.Name, &o.Contact, &o.Text, &o.Status,
		&o.Reason, &o.FileName, &o.FileType, &o.FileSize, &o.CreatedAt, &decided); err != nil {
		return err
	}
	if decided.Valid {
		o.DecidedAt = &decided.Time
	}
	return nil
}

func objectionByID(ctx context.Context, q db.Q, id int64) (*Objection, error) {
	var o Objection
	err := scanObjection(q.QueryRowContext(ctx, `SELECT `+objectionColumns+objectionFrom+` WHERE o.id = $1`, id), &o)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return &o, err
}

// Objections lists a campaign's objections, oldest first, to its
// organizer.
func (s *Service) Objections(ctx context.Context, by *auth.Actor, campaignID int64) ([]Objection, error) {
	if _, err := s.managed(ctx, s.db.R(), by, campaignID); err != nil {
		return nil, err
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+objectionColumns+objectionFrom+` WHERE o.campaign_id = $1 ORDER BY o.id`, campaignID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Objection
	for rows.Next() {
		var o Objection
		if err := scanObjection(rows, &o); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Objection returns one objection to its campaign's organizer.
func (s *Service) Objection(ctx context.Context, by *auth.Actor, id int64) (*Objection, error) {
	o, err := objectionByID(ctx, s.db.R(), id)
	if err != nil {
		return nil, err
	}
	if _, err := s.managed(ctx, s.db.R(), by, o.CampaignID); err != nil {
		return nil, err
	}
	return o, nil
}

// ObjectionFile returns an objection's attachment to the organizer;
// NotFound when it has none.
func (s *Service) ObjectionFile(ctx context.Context, by *auth.Actor, id int64) (*Objection, *Attachment, error) {
	o, err := s.Objection(ctx, by, id)
	if err != nil {
		return nil, nil, err
	}
	if o.FileSize == 0 {
		return nil, nil, errs.ErrNotFound
	}
	a := Attachment{Name: o.FileName, Type: o.FileType}
	if err := s.db.R().QueryRowContext(ctx, `SELECT data FROM objection_files WHERE objection_id = $1`, id).Scan(&a.Data); err != nil {
		return nil, nil, err
	}
	return o, &a, nil
}

// DecideObjection records the organizer's handling of an objection while
// the campaign is in publicity: an open one may be put under
// investigation or decided; one under investigation may be decided; a
// decided one stands (Conflict). Upholding or dismissing needs the
// reason.
func (s *Service) DecideObjection(ctx context.Context, by *auth.Actor, objectionID int64, d Decision) (*Objection, error) {
	d.Reason = strings.TrimSpace(d.Reason)
	var f errs.Fields
	final := d.Status == ObjUpheld || d.Status == ObjDismissed
	if !final && d.Status != ObjInvestigating {
		f.Add("status", "err.choose")
	}
	if n := utf8.RuneCountInString(d.Reason); final && n == 0 {
		f.Add("reason", "err.required")
	} else if n > 2000 {
		f.Add("reason", "err.too_long")
	}
	err := s.inTx(ctx, func(tx *db.Tx) error {
		o, err := objectionByID(ctx, tx, objectionID)
		if err != nil {
			return err
		}
		c, err := s.managed(ctx, tx, by, o.CampaignID)
		if err != nil {
			return err
		}
		if c.Stage != StagePublicity {
			return errs.E(errs.Conflict, "err.campaign_stage")
		}
		if err := f.Err(); err != nil {
			return err
		}
		if o.Status != ObjOpen && !(o.Status == ObjInvestigating && final) {
			return errs.E(errs.Conflict, "err.objection_decided")
		}
		res, err := tx.ExecContext(ctx, `UPDATE objections SET status = $1, reason = $2, decided_by = $3, decided_at = $4
			WHERE id = $5 AND status = $6`, d.Status, d.Reason, by.UserID, s.now().UTC(), o.ID, o.Status)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "err.objection_decided")
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "campaign.objection.decide", ObjectType: "objection", ObjectID: o.ID,
			OrgID: c.OrgID, Summary: fmt.Sprintf("campaign=%d nomination=%d status=%s was=%s", c.ID, o.NominationID, d.Status, o.Status)})
	})
	if err != nil {
		return nil, err
	}
	return objectionByID(ctx, s.db.R(), objectionID)
}
