package campaign

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/org"
	"qinggong/internal/web"
)

// Service runs campaigns. Every method takes the acting user; campaigns
// and nominations outside the actor's scope are NotFound, like missing ones.
type Service struct {
	db    *db.DB
	audit *audit.Log
	orgs  *org.Service
	kinds map[string]Kind
	now   func() time.Time

	referLimit *web.IPLimiter // referral attempts per account (refer.go)
}

// New returns a Service with no nominee kinds; Register adds them (the
// person and organization kinds are registered by app wiring).
func New(d *db.DB, a *audit.Log, orgs *org.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: d, audit: a, orgs: orgs, kinds: map[string]Kind{}, now: now, referLimit: newReferLimiter(now)}
}

const campaignColumns = `id, title, kind, org_id, org_path, scope_kind, scope_id, nominee_kind, rules, winners, total, self_apply, referral,
	tiers, form, dates, sectors, stage, created_at, updated_at`

func scanCampaign(sc interface{ Scan(...any) error }, c *Campaign) error {
	var rules, tiers, form, dates, sectors string
	if err := sc.Scan(&c.ID, &c.Title, &c.Kind, &c.OrgID, &c.OrgPath, &c.ScopeKind, &c.ScopeID, &c.NomineeKind, &rules,
		&c.Winners, &c.Total, &c.SelfApply, &c.Referral, &tiers, &form, &dates, &sectors, &c.Stage, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return err
	}
	for _, x := range []struct {
		raw string
		v   any
	}{{tiers, &c.Tiers}, {form, &c.Form}, {dates, &c.Dates}, {sectors, &c.Sectors}, {rules, &c.Rules}} {
		if err := json.Unmarshal([]byte(x.raw), x.v); err != nil {
			return err
		}
	}
	return nil
}

func byID(ctx context.Context, q db.Q, id int64) (*Campaign, error) {
	var c Campaign
	err := scanCampaign(q.QueryRowContext(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE id = $1`, id), &c)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return &c, err
}

// Get returns a campaign the actor may see: its organizer is in the
// actor's OrgRead scope, or the actor may nominate somewhere in its
// eligible scope.
func (s *Service) Get(ctx context.Context, by *auth.Actor, id int64) (*Campaign, error) {
	c, err := byID(ctx, s.db.R(), id)
	if err != nil {
		return nil, err
	}
	if !s.visible(ctx, by, c) {
		return nil, errs.ErrNotFound
	}
	return c, nil
}

func (s *Service) visible(ctx context.Context, by *auth.Actor, c *Campaign) bool {
	if by.Can(auth.OrgRead, c.OrgPath) {
		return true
	}
	for _, p := range by.Scope(auth.CampaignNominate).Prefixes {
		if ok, _ := s.overlaps(ctx, c, p); ok {
			return true
		}
	}
	return by.Scope(auth.CampaignNominate).All
}

// inTx runs fn in a transaction that moves the campaign version at its
// commit: every write of the engine goes through it, so a cached board or
// ranking page is never served after a change it does not show.
func (s *Service) inTx(ctx context.Context, fn func(*db.Tx) error) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		db.BumpCampaignVersion(tx)
		return fn(tx)
	})
}

// managed returns a campaign the actor organizes (CampaignManage on the
// organizer); otherwise NotFound.
func (s *Service) managed(ctx context.Context, q db.Q, by *auth.Actor, id int64) (*Campaign, error) {
	c, err := byID(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.CampaignManage, c.OrgPath) {
		return nil, errs.ErrNotFound
	}
	return c, nil
}

// Create announces a campaign in draft, organized by an organization in
// the actor's CampaignManage scope; the eligible scope defaults to the
// organizer's subtree.
func (s *Service) Create(ctx context.Context, by *auth.Actor, in Input) (*Campaign, error) {
	o, err := s.orgs.FindByID(ctx, by, in.OrgID)
	if err != nil || !by.Can(auth.CampaignManage, o.Path) {
		return nil, (errs.Fields{"org_id": "err.org_unknown"}).Err()
	}
	if in.ScopeKind == "" {
		in.ScopeKind, in.ScopeID = "org", o.ID
	}
	f := s.validate(ctx, by, &in)
	if err := f.Err(); err != nil {
		return nil, err
	}
	rules, _ := json.Marshal(in.Rules)
	tiers, form, dates, sectors := jsonOr(in.Tiers, "[]"), jsonOr(in.Form, "[]"), jsonOr(in.Dates, "{}"), jsonOr(in.Sectors, "[]")
	var id int64
	now := s.now().UTC()
	err = s.inTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO campaigns (title, kind, org_id, org_path, scope_kind, scope_id, nominee_kind,
			rules, winners, total, self_apply, stage, created_by, created_at, updated_at, tiers, form, dates, sectors, referral)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16, $17, $18, $19) RETURNING id`,
			in.Title, in.Kind, o.ID, o.Path, in.ScopeKind, in.ScopeID, in.NomineeKind, string(rules), in.Winners, in.Total,
			in.SelfApply, StageDraft, by.UserID, now, tiers, form, dates, sectors, in.Referral).Scan(&id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "campaign.create", ObjectType: "campaign", ObjectID: id, OrgID: o.ID,
			Summary: fmt.Sprintf("kind=%s nominee=%s winners=%d total=%d", in.Kind, in.NomineeKind, in.Winners, in.Total)})
	})
	if err != nil {
		return nil, err
	}
	return byID(ctx, s.db.R(), id)
}

func (s *Service) validate(ctx context.Context, by *auth.Actor, in *Input) errs.Fields {
	var f errs.Fields
	in.Title = strings.TrimSpace(in.Title)
	if n := utf8.RuneCountInString(in.Title); n == 0 {
		f.Add("title", "err.required")
	} else if n > 100 {
		f.Add("title", "err.too_long")
	}
	if in.Kind == "" {
		in.Kind = "custom"
	}
	if _, ok := s.kinds[in.NomineeKind]; !ok {
		f.Add("nominee_kind", "err.choose")
	}
	switch in.ScopeKind {
	case "org":
		if o, err := s.orgs.FindByID(ctx, by, in.ScopeID); err != nil || !o.Active() {
			f.Add("scope_id", "err.org_unknown")
		}
	case "region":
		if _, err := s.orgs.FindRegionByID(ctx, by, in.ScopeID); err != nil {
			f.Add("scope_id", "err.campaign_region")
		}
	default:
		f.Add("scope_kind", "err.choose")
	}
	if in.Winners < 1 || in.Winners > 10000 {
		f.Add("winners", "err.campaign_winners")
	}
	if in.Total == 0 {
		in.Total = 3 * in.Winners
	}
	if in.Total < in.Winners || in.Total > 100000 {
		f.Add("total", "err.campaign_total")
	}
	r := &in.Rules
	if r.AgeMax < 0 || r.AgeMax > 100 {
		f.Add("rules.age_max", "err.invalid")
	}
	if r.AgeOn != "" {
		if _, err := time.Parse(time.DateOnly, r.AgeOn); err != nil {
			f.Add("rules.age_on", "err.date")
		}
	}
	if r.SkillLevel < 0 || r.SkillLevel > 5 {
		f.Add("rules.skill_level", "err.invalid")
	}
	if r.MoralMin < 0 || r.MoralMin > 2000 {
		f.Add("rules.moral_min", "err.invalid")
	}
	if r.HeldYears < 0 || r.HeldYears > 20 || (r.HeldYears > 0 && r.HeldKind == "") {
		f.Add("rules.held_years", "err.invalid")
	}
	var tf errs.Fields
	in.Tiers, tf = cleanTiers(in.Tiers)
	for k, v := range tf {
		f.Add(k, v)
	}
	checkForm(in.Form, &f)
	checkDates(in.Dates, &f)
	checkSectors(in.Sectors, org.UnitTypes, &f)
	return f
}

// Advance moves a campaign to the next stage (only forward, one at a
// time), audited. Nominations still pending below the organizer when
// nominating ends stay where they are: they were not passed up in time.
func (s *Service) Advance(ctx context.Context, by *auth.Actor, id int64, to string) (*Campaign, error) {
	err := s.inTx(ctx, func(tx *db.Tx) error {
		c, err := s.managed(ctx, tx, by, id)
		if err != nil {
			return err
		}
		if stageIndex(to) != stageIndex(c.Stage)+1 {
			return errs.E(errs.Conflict, "err.campaign_stage")
		}
		if err := s.canEnter(ctx, tx, c, to); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE campaigns SET stage = $1, updated_at = $2 WHERE id = $3 AND stage = $4`,
			to, s.now().UTC(), id, c.Stage)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "err.campaign_stage")
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "campaign.stage", ObjectType: "campaign", ObjectID: id, OrgID: c.OrgID,
			Summary: fmt.Sprintf("from=%s to=%s", c.Stage, to)})
	})
	if err != nil {
		return nil, err
	}
	return byID(ctx, s.db.R(), id)
}

// jsonOr is v as JSON, or empty when v is nil.
func jsonOr(v any, empty string) string {
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return empty
	}
	return string(b)
}

// canEnter holds a campaign back from a stage whose work is not ready:
// the notice needs every review round closed and the notice published;
// naming happens by naming the winners (Name), not by moving the stage.
func (s *Service) canEnter(ctx context.Context, tx *db.Tx, c *Campaign, to string) error {
	switch to {
	case StagePublicity:
		if err := s.reviewsSettled(ctx, tx, c); err != nil {
			return err
		}
		if _, err := noticeOf(ctx, tx, c.ID); errs.KindOf(err) == errs.NotFound {
			return errs.E(errs.Conflict, "err.notice_missing")
		} else if err != nil {
			return err
		}
	case StageNaming:
		return errs.E(errs.Conflict, "err.campaign_name_first")
	}
	return nil
}

// inScope reports whether the organization at path lies in the
// campaign's eligible scope.
func (s *Service) inScope(ctx context.Context, c *Campaign, path string) (bool, error) {
	switch c.ScopeKind {
	case "org":
		scope, err := s.scopePath(ctx, c)
		if err != nil {
			return false, err
		}
		return strings.HasPrefix(path, scope), nil
	case "region":
		paths, err := s.orgs.RegionMemberPaths(ctx, c.ScopeID)
		if err != nil {
			return false, err
		}
		return slices.ContainsFunc(paths, func(p string) bool { return strings.HasPrefix(path, p) }), nil
	}
	return false, nil
}

// overlaps reports whether the subtree at path shares organizations with
// the campaign's eligible scope: a nominator whose scope lies above the
// campaign's, or inside it, takes part.
func (s *Service) overlaps(ctx context.Context, c *Campaign, path string) (bool, error) {
	var scopes []string
	switch c.ScopeKind {
	case "org":
		p, err := s.scopePath(ctx, c)
		if err != nil {
			return false, err
		}
		scopes = []string{p}
	case "region":
		var err error
		if scopes, err = s.orgs.RegionMemberPaths(ctx, c.ScopeID); err != nil {
			return false, err
		}
	}
	return slices.ContainsFunc(scopes, func(sp string) bool {
		return strings.HasPrefix(path, sp) || strings.HasPrefix(sp, path)
	}), nil
}

// scopePath is the path of a subtree scope, read now (moves change it).
func (s *Service) scopePath(ctx context.Context, c *Campaign) (string, error) {
	var p string
	err := s.db.R().QueryRowContext(ctx, `SELECT path FROM orgs WHERE id = $1`, c.ScopeID).Scan(&p)
	return p, err
}
