package campaign

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// The public notice (公示): before winners are named, the organizer
// publishes the candidates for a period of days, with a contact for
// objections; anyone may read it and raise an objection while it runs.

// NoticeInput is the notice an organizer publishes.
type NoticeInput struct {
	Starts  string       `json:"starts"`  // YYYY-MM-DD, Asia/Shanghai, the first day objections are taken
	Ends    string       `json:"ends"`    // the last day, inclusive
	Contact string       `json:"contact"` // how to object besides the form: telephone, address
	Items   []NoticeItem `json:"items"`   // the candidates, in the order shown
}

// NoticeItem is one candidate on the notice with the public summary of
// achievements (the nomination's own summary, truncated, when empty).
type NoticeItem struct {
	NominationID int64  `json:"nomination_id"`
	Summary      string `json:"summary"`
}

// Notice is a campaign's notice as published.
type Notice struct {
	CampaignID  int64        `json:"campaign_id"`
	Starts      string       `json:"starts"`
	Ends        string       `json:"ends"`
	Contact     string       `json:"contact"`
	Objections  int          `json:"objections"` // raised so far
	PublishedAt time.Time    `json:"published_at"`
	Items       []NoticeItem `json:"items"`
}

// PublicView is the notice as anyone reads it: names, organizations and
// summaries, nothing else of the nominees (no identity numbers, phones,
// assessments or review scores).
type PublicView struct {
	CampaignID int64        `json:"campaign_id"`
	Title      string       `json:"title"`
	Organizer  string       `json:"organizer"`
	Starts     string       `json:"starts"`
	Ends       string       `json:"ends"`
	Contact    string       `json:"contact"`
	Open       bool         `json:"open"` // objections are taken today
	Items      []PublicItem `json:"items"`
}

// PublicItem is one candidate as the public reads it.
type PublicItem struct {
	NominationID int64  `json:"nomination_id"`
	Name         string `json:"name"`
	Org          string `json:"org"`
	Summary      string `json:"summary"`
}

const (
	noticeMaxDays    = 30
	noticeMaxSummary = 500
	noticeMaxContact = 500
)

// noticeZone is the zone notice days are counted in; China keeps no
// daylight saving.
var noticeZone = time.FixedZone("Asia/Shanghai", 8*3600)

// noticeDay is t's calendar day in Shanghai, YYYY-MM-DD (which sorts as
// it counts).
func noticeDay(t time.Time) string { return t.In(noticeZone).Format(time.DateOnly) }

// Publicize publishes the campaign's notice: by its organizer while the
// campaign is reviewing or in publicity. Every item must be a submitted
// nomination of the campaign, each once. A notice may be replaced until
// its first day; from then on it stands (Conflict). The period starts
// today or later and lasts 1 to 30 days.
func (s *Service) Publicize(ctx context.Context, by *auth.Actor, campaignID int64, in NoticeInput) (*Notice, error) {
	today := noticeDay(s.now())
	in.Contact = strings.TrimSpace(in.Contact)
	f := checkPeriod(in.Starts, in.Ends, today)
	if n := utf8.RuneCountInString(in.Contact); n == 0 {
		f.Add("contact", "err.required")
	} else if n > noticeMaxContact {
		f.Add("contact", "err.too_long")
	}
	err := s.inTx(ctx, func(tx *db.Tx) error {
		c, err := s.managed(ctx, tx, by, campaignID)
		if err != nil {
			return err
		}
		if c.Stage != StageReviewing && c.Stage != StagePublicity {
			return errs.E(errs.Conflict, "err.campaign_stage")
		}
		old, err := noticeOf(ctx, tx, c.ID)
		replaced := err == nil
		switch {
		case replaced && old.Starts <= today:
			return errs.E(errs.Conflict, "err.notice_started")
		case err != nil && !errors.Is(err, errs.ErrNotFound):
			return err
		}
		if err := s.checkItems(ctx, tx, c, in.Items, &f); err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		now := s.now().UTC()
		if replaced {
			if _, err := tx.ExecContext(ctx, `DELETE FROM notice_items WHERE campaign_id = $1`, c.ID); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE notices SET starts = $1, ends = $2, contact = $3, published_by = $4, published_at = $5
				WHERE campaign_id = $6`, in.Starts, in.Ends, in.Contact, by.UserID, now, c.ID)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO notices (campaign_id, starts, ends, contact, published_by, published_at)
				VALUES ($1, $2, $3, $4, $5, $6)`, c.ID, in.Starts, in.Ends, in.Contact, by.UserID, now)
		}
		if err != nil {
			return err
		}
		for i, it := range in.Items {
			if _, err := tx.ExecContext(ctx, `INSERT INTO notice_items (campaign_id, nomination_id, position, summary) VALUES ($1, $2, $3, $4)`,
				c.ID, it.NominationID, i+1, it.Summary); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "campaign.notice.publish", ObjectType: "campaign", ObjectID: c.ID, OrgID: c.OrgID,
			Summary: fmt.Sprintf("starts=%s ends=%s items=%d replaced=%t", in.Starts, in.Ends, len(in.Items), replaced)})
	})
	if err != nil {
		return nil, err
	}
	return noticeOf(ctx, s.db.R(), campaignID)
}

// checkPeriod checks a notice's days against today.
func checkPeriod(starts, ends, today string) errs.Fields {
	var f errs.Fields
	s, err1 := time.Parse(time.DateOnly, starts)
	e, err2 := time.Parse(time.DateOnly, ends)
	if err1 != nil {
		f.Add("starts", "err.date_format")
	}
	if err2 != nil {
		f.Add("ends", "err.date_format")
	}
	if err1 != nil || err2 != nil {
		return f
	}
	if starts < today {
		f.Add("starts", "err.notice_starts_past")
	}
	if days := int(e.Sub(s).Hours()/24) + 1; days < 1 || days > noticeMaxDays {
		f.Add("ends", "err.notice_period")
	}
	return f
}

// checkItems checks the notice's items against the campaign's submitted
// nominations and fills in the summaries left empty.
func (s *Service) checkItems(ctx context.Context, q db.Q, c *Campaign, items []NoticeItem, f *errs.Fields) error {
	if len(items) == 0 {
		f.Add("items", "err.notice_items")
		return nil
	}
	rows, err := q.QueryContext(ctx, `SELECT id, summary FROM nominations WHERE campaign_id = $1 AND status = $2`, c.ID, NomSubmitted)
	if err != nil {
		return err
	}
	defer rows.Close()
	summaries := map[int64]string{}
	for rows.Next() {
		var id int64
		var sum string
		if err := rows.Scan(&id, &sum); err != nil {
			return err
		}
		summaries[id] = sum
	}
	if err := rows.Err(); err != nil {
		return err
	}
	seen := map[int64]bool{}
	for i := range items {
		it := &items[i]
		key := fmt.Sprintf("items.%d.", i)
		own, ok := summaries[it.NominationID]
		switch {
		case !ok:
			f.Add(key+"nomination_id", "err.notice_nomination")
		case seen[it.NominationID]:
			f.Add(key+"nomination_id", "err.notice_twice")
		}
		seen[it.NominationID] = true
		it.Summary = strings.TrimSpace(it.Summary)
		if it.Summary == "" {
			it.Summary = noticeCut(strings.TrimSpace(own), noticeMaxSummary)
		}
		if utf8.RuneCountInString(it.Summary) > noticeMaxSummary {
			f.Add(key+"summary", "err.too_long")
		}
	}
	return nil
}

// noticeCut cuts s to at most n characters, marking the cut with "…".
func noticeCut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// noticeOf reads a campaign's notice with its items; NotFound when none.
func noticeOf(ctx context.Context, q db.Q, campaignID int64) (*Notice, error) {
	n := Notice{CampaignID: campaignID}
	err := q.QueryRowContext(ctx, `SELECT starts, ends, contact, objections, published_at FROM notices WHERE campaign_id = $1`,
		campaignID).Scan(&n.Starts, &n.Ends, &n.Contact, &n.Objections, &n.PublishedAt)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT nomination_id, summary FROM notice_items WHERE campaign_id = $1 ORDER BY position`, campaignID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var it NoticeItem
		if err := rows.Scan(&it.NominationID, &it.Summary); err != nil {
			return nil, err
		}
		n.Items = append(n.Items, it)
	}
	return &n, rows.Err()
}

// Notice returns the campaign's notice to its organizer; NotFound when
// none is published.
func (s *Service) Notice(ctx context.Context, by *auth.Actor, campaignID int64) (*Notice, error) {
	if _, err := s.managed(ctx, s.db.R(), by, campaignID); err != nil {
		return nil, err
	}
	return noticeOf(ctx, s.db.R(), campaignID)
}

// PublicNotice is the notice for anonymous readers, once the campaign is
// in publicity (or later) and the notice exists; otherwise NotFound.
func (s *Service) PublicNotice(ctx context.Context, campaignID int64) (*PublicView, error) {
	q := s.db.R()
	// The campaign, its notice and its organizer in one statement: this
	// page is the public's, read far more than any other of a campaign.
	v := &PublicView{CampaignID: campaignID}
	var stage string
	err := q.QueryRowContext(ctx, `SELECT c.title, c.stage, o.name, n.starts, n.ends, n.contact FROM campaigns c
		JOIN notices n ON n.campaign_id = c.id JOIN orgs o ON o.id = c.org_id WHERE c.id = $1`, campaignID).
		Scan(&v.Title, &stage, &v.Organizer, &v.Starts, &v.Ends, &v.Contact)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if stageIndex(stage) < stageIndex(StagePublicity) {
		return nil, errs.ErrNotFound
	}
	today := noticeDay(s.now())
	v.Open = stage == StagePublicity && v.Starts <= today && today <= v.Ends
	// The organization shown is the nominating one, or the nominee itself
	// when an organization is nominated.
	rows, err := q.QueryContext(ctx, `SELECT i.nomination_id, m.nominee_name, o.name, i.summary FROM notice_items i
		JOIN nominations m ON m.id = i.nomination_id
		JOIN orgs o ON o.id = CASE WHEN m.nominee_kind = $2 THEN m.nominee_id ELSE m.origin_id END
		WHERE i.campaign_id = $1 ORDER BY i.position`, campaignID, NomineeOrg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var it PublicItem
		if err := rows.Scan(&it.NominationID, &it.Name, &it.Org, &it.Summary); err != nil {
			return nil, err
		}
		v.Items = append(v.Items, it)
	}
	return v, rows.Err()
}
