package campaign

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// Referrals (举荐): where a campaign allows it, anyone with a login may
// put someone else forward — a colleague, an apprentice, a neighbour's
// young entrepreneur. The referrer cannot browse the registry, so they
// name the nominee by the name and ID-card number they know; the engine
// finds the record (person.Identify) and the nomination is held, pending,
// by the nominee's own organization, which writes the moral assessment
// and passes it up, or returns or withdraws it, exactly as with an
// application. The referrer learns nothing they did not bring: a name and
// number that match no one in the campaign's scope, match someone
// outside it, or match someone the rules exclude all get one answer that
// does not say which, and attempts are limited per account, so the form
// cannot be used to probe the registry.

// ReferInput is a nomination of someone else.
type ReferInput struct {
	Name     string                 `json:"name"`
	IDNumber string                 `json:"id_number"`
	Relation string                 `json:"relation"` // how the referrer knows them (同事, 师傅 …)
	Summary  string                 `json:"summary"`  // the achievements put forward
	Answers  map[string]string      `json:"answers,omitempty"`
	Files    map[string]*Attachment `json:"files,omitempty"`
}

// referAttempts limits referral attempts per account and node: a burst
// of referAttempts, then one per referEvery.
const (
	referAttempts = 10
	referEvery    = 6 * time.Minute
)

// ReferralOpenings lists the campaigns taking referrals now. Any account
// may see them: what is being selected is public, and a referrer may put
// forward someone of another organization than their own.
func (s *Service) ReferralOpenings(ctx context.Context) ([]Campaign, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE stage = $1 AND referral = $2
		AND nominee_kind = $3 ORDER BY id DESC LIMIT 200`, StageNominating, true, NomineePerson)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Campaign{}
	for rows.Next() {
		var c Campaign
		if err := scanCampaign(rows, &c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Refer puts someone else forward in a campaign that takes referrals.
// Field errors name the field; a nominee who cannot be put forward, for
// whatever reason, is err.referral_unknown on id_number.
func (s *Service) Refer(ctx context.Context, by *auth.Actor, campaignID int64, in ReferInput) (*Nomination, error) {
	c, err := byID(ctx, s.db.R(), campaignID)
	if err != nil {
		return nil, err
	}
	if !c.Referral || c.NomineeKind != NomineePerson {
		return nil, errs.ErrNotFound
	}
	if c.Stage != StageNominating {
		return nil, errs.E(errs.Conflict, "err.campaign_not_nominating")
	}
	var f errs.Fields
	in.Name, in.Relation, in.Summary = strings.TrimSpace(in.Name), strings.TrimSpace(in.Relation), strings.TrimSpace(in.Summary)
	if in.Name == "" {
		f.Add("name", "err.required")
	} else if utf8.RuneCountInString(in.Name) > 50 {
		f.Add("name", "err.too_long")
	}
	if strings.TrimSpace(in.IDNumber) == "" {
		f.Add("id_number", "err.required")
	}
	if in.Relation == "" {
		f.Add("relation", "err.required")
	} else if utf8.RuneCountInString(in.Relation) > 50 {
		f.Add("relation", "err.too_long")
	}
	if n := utf8.RuneCountInString(in.Summary); n == 0 {
		f.Add("summary", "err.required")
	} else if n > 5000 {
		f.Add("summary", "err.too_long")
	}
	answers, files := checkAnswers(c.Form, in.Answers, in.Files, &f)
	if err := f.Err(); err != nil {
		return nil, err
	}
	// Only a complete form costs an attempt: typing mistakes elsewhere
	// should not lock a referrer out.
	if !s.referLimit.Allow(strconv.FormatInt(by.UserID, 10)) {
		return nil, errs.E(errs.TooMany, "err.referral_limit")
	}
	unknown := (errs.Fields{"id_number": "err.referral_unknown"}).Err()
	k, ok := s.kinds[NomineePerson].(PersonKind)
	if !ok {
		return nil, errs.ErrNotFound
	}
	p, err := k.People.Identify(ctx, in.Name, in.IDNumber)
	if errs.KindOf(err) == errs.NotFound {
		return nil, unknown
	}
	if err != nil {
		return nil, err
	}
	if p.UserID != 0 && p.UserID == by.UserID {
		return nil, (errs.Fields{"id_number": "err.referral_self"}).Err()
	}
	if in, err := s.inScope(ctx, c, p.OrgPath); err != nil {
		return nil, err
	} else if !in || !strings.HasPrefix(p.OrgPath, c.OrgPath) {
		return nil, unknown
	}
	reasons, err := s.personReasons(ctx, c, p)
	if err != nil {
		return nil, err
	}
	if len(reasons) > 0 {
		return nil, unknown
	}
	n, err := s.putForward(ctx, by, c.ID, p, in.Summary, answers, files, "refer", in.Relation)
	if e, ok := errs.As(err); ok && e.Msg == "err.applied_twice" {
		// Already nominated or applied: say so without saying by whom.
		return nil, errs.E(errs.Conflict, "err.referred_already")
	}
	return n, err
}

// referLimiter is the per-account limit of referral attempts.
func newReferLimiter(now func() time.Time) *web.IPLimiter {
	return web.NewIPLimiter(referEvery, referAttempts, now)
}
