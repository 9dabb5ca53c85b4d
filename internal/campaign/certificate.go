package campaign

import (
	"context"
	"database/sql"
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

// Certificates (荣誉证书): one per winner, numbered for print
// (QG<year>-<campaign>-<sequence>) and carrying an unguessable code in
// its QR code, by which anyone verifies it. A certificate is revoked,
// never deleted.

// Certificate is a winner's certificate as its organizer reads it.
type Certificate struct {
	ID            int64      `json:"id"`
	CampaignID    int64      `json:"campaign_id"`
	NominationID  int64      `json:"nomination_id"`
	Number        string     `json:"number"`
	Code          string     `json:"code"` // what the QR code's verification address carries
	Tier          string     `json:"tier"`
	Holder        string     `json:"holder"`
	Org           string     `json:"org"`
	CampaignTitle string     `json:"campaign_title"`
	Organizer     string     `json:"organizer"`
	OrgPath       string     `json:"-"` // the organizer's
	IssuedAt      time.Time  `json:"issued_at"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
	RevokeReason  string     `json:"revoke_reason,omitempty"`
}

// Verification is what anyone holding a certificate's code may learn:
// whether it stands, and what the certificate says.
type Verification struct {
	Valid        bool   `json:"valid"`
	Number       string `json:"number"`
	Holder       string `json:"holder"`
	Campaign     string `json:"campaign"`
	Tier         string `json:"tier,omitempty"`
	Organizer    string `json:"organizer"`
	IssuedOn     string `json:"issued_on"` // YYYY-MM-DD, Shanghai
	RevokedOn    string `json:"revoked_on,omitempty"`
	RevokeReason string `json:"revoke_reason,omitempty"`
}

// certCodeBytes is the randomness of a verification code: 160 bits, 32
// characters of base32.
const certCodeBytes = 20

// issue writes one certificate with its audit record.
func (s *Service) issue(ctx context.Context, tx *db.Tx, by *auth.Actor, c *Campaign, w Winner, number string, seq int) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO certificates (campaign_id, nomination_id, number, code, tier, seq, issued_by, issued_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		c.ID, w.NominationID, number, randomBase32(certCodeBytes), w.Tier, seq, by.UserID, s.now().UTC()).Scan(&id)
	if err != nil {
		return 0, err
	}
	return id, s.audit.Record(ctx, tx, audit.Entry{Action: "campaign.certificate.issue", ObjectType: "certificate", ObjectID: id,
		OrgID: c.OrgID, Summary: fmt.Sprintf("campaign=%d nomination=%d number=%s", c.ID, w.NominationID, number)})
}

const certificateColumns = `x.id, x.campaign_id, x.nomination_id, x.number, x.code, x.tier, m.nominee_name, o.name, c.title, g.name,
	c.org_path, x.issued_at, x.revoked_at, x.revoke_reason`

// The holder's organization is the nominating one, or the nominee itself
// when an organization is nominated.
const certificateFrom = ` FROM certificates x JOIN nominations m ON m.id = x.nomination_id JOIN campaigns c ON c.id = x.campaign_id
	JOIN orgs g ON g.id = c.org_id JOIN orgs o ON o.id = CASE WHEN m.nominee_kind = 'org' THEN m.nominee_id ELSE m.origin_id END`

func scanCertificate(sc interface{ Scan(...any) error }, x *Certificate) error {
	var revoked sql.NullTime
	if err := sc.Scan(&x.ID, &x.CampaignID, &x.NominationID, &x.Number, &x.Code, &x.Tier, &x.Holder, &x.Org, &x.CampaignTitle,
		&x.Organizer, &x.OrgPath, &x.IssuedAt, &revoked, &x.RevokeReason); err != nil {
		return err
	}
	if revoked.Valid {
		x.RevokedAt = &revoked.Time
	}
	return nil
}

func certificateBy(ctx context.Context, q db.Q, where string, arg any) (*Certificate, error) {
	var x Certificate
	err := scanCertificate(q.QueryRowContext(ctx, `SELECT `+certificateColumns+certificateFrom+` WHERE `+where, arg), &x)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return &x, err
}

func certificateByID(ctx context.Context, q db.Q, id int64) (*Certificate, error) {
	return certificateBy(ctx, q, "x.id = $1", id)
}

// Certificate returns a certificate to an actor who organizes its
// campaign (CampaignManage on the organizer); otherwise NotFound.
func (s *Service) Certificate(ctx context.Context, by *auth.Actor, id int64) (*Certificate, error) {
	x, err := certificateByID(ctx, s.db.R(), id)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.CampaignManage, x.OrgPath) {
		return nil, errs.ErrNotFound
	}
	return x, nil
}

// Certificates lists a campaign's certificates in number order to its
// organizer.
func (s *Service) Certificates(ctx context.Context, by *auth.Actor, campaignID int64) ([]Certificate, error) {
	if _, err := s.managed(ctx, s.db.R(), by, campaignID); err != nil {
		return nil, err
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+certificateColumns+certificateFrom+` WHERE x.campaign_id = $1 ORDER BY x.seq`, campaignID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Certificate
	for rows.Next() {
		var x Certificate
		if err := scanCertificate(rows, &x); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Revoke withdraws a certificate, with the reason (shown to whoever
// verifies it): by its campaign's organizer, once (Conflict after). The
// growth record notes the honour's revocation; the honour itself stays in
// the ledger, which is append-only.
func (s *Service) Revoke(ctx context.Context, by *auth.Actor, certID int64, reason string) (*Certificate, error) {
	reason = strings.TrimSpace(reason)
	err := s.inTx(ctx, func(tx *db.Tx) error {
		x, err := certificateByID(ctx, tx, certID)
		if err != nil {
			return err
		}
		c, err := s.managed(ctx, tx, by, x.CampaignID)
		if err != nil {
			return err
		}
		if n := utf8.RuneCountInString(reason); n == 0 {
			return (errs.Fields{"reason": "err.required"}).Err()
		} else if n > 500 {
			return (errs.Fields{"reason": "err.too_long"}).Err()
		}
		now := s.now().UTC()
		res, err := tx.ExecContext(ctx, `UPDATE certificates SET revoked_at = $1, revoke_reason = $2 WHERE id = $3 AND revoked_at IS NULL`,
			now, reason, x.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "err.certificate_revoked")
		}
		m, err := nominationByID(ctx, tx, x.NominationID)
		if err != nil {
			return err
		}
		if _, err := activity.Add(ctx, tx, honourEntry(m.NomineeKind, m.NomineeID, m.OriginID, KindHonourRevoked, c.ID, now)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "campaign.certificate.revoke", ObjectType: "certificate", ObjectID: x.ID,
			OrgID: c.OrgID, Summary: fmt.Sprintf("campaign=%d number=%s", c.ID, x.Number)})
	})
	if err != nil {
		return nil, err
	}
	return certificateByID(ctx, s.db.R(), certID)
}

// Verify answers, for anyone, what the certificate with this code says
// and whether it stands; an unknown code is NotFound. It says nothing a
// printed certificate does not (and the revocation, when revoked).
func (s *Service) Verify(ctx context.Context, code string) (*Verification, error) {
	code = strings.ToLower(strings.TrimSpace(code))
	if len(code) < 32 || len(code) > 64 {
		return nil, errs.ErrNotFound
	}
	x, err := certificateBy(ctx, s.db.R(), "x.code = $1", code)
	if err != nil {
		return nil, err
	}
	v := &Verification{Valid: x.RevokedAt == nil, Number: x.Number, Holder: x.Holder, Campaign: x.CampaignTitle, Tier: x.Tier,
		Organizer: x.Organizer, IssuedOn: noticeDay(x.IssuedAt)}
	if x.RevokedAt != nil {
		v.RevokedOn, v.RevokeReason = noticeDay(*x.RevokedAt), x.RevokeReason
	}
	return v, nil
}
