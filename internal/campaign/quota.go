package campaign

import (
	"context"
	"fmt"
	"strings"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// Quotas are allocated down the tree. The organizer receives at most the
// campaign's Total; it gives organizations below it quotas, and each of
// those may give part of its own to organizations below it. An
// organization's allocations never add up to more than its quota, and a
// quota is how many nominations that organization may pass upward at
// once. Organizations without a quota pass upward freely: their
// nominations still count against the quota of the first organization
// above them that has one.

// Quota is one organization's allocation in a campaign and its use.
type Quota struct {
	OrgID     int64  `json:"org_id"`
	OrgPath   string `json:"-"`
	OrgName   string `json:"org_name,omitempty"`
	Quota     int    `json:"quota"`
	Allocated int    `json:"allocated"` // given on to organizations below
	Used      int    `json:"used"`      // nominations passed upward and live
}

// quotas loads every quota of a campaign (a few hundred at most: one per
// nominating organization that has one), with the organizer's Total as
// the root's.
func quotas(ctx context.Context, q db.Q, c *Campaign) (map[string]*Quota, error) {
	rows, err := q.QueryContext(ctx, `SELECT org_id, org_path, quota FROM campaign_quotas WHERE campaign_id = $1`, c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*Quota{c.OrgPath: {OrgID: c.OrgID, OrgPath: c.OrgPath, Quota: c.Total}}
	for rows.Next() {
		var x Quota
		if err := rows.Scan(&x.OrgID, &x.OrgPath, &x.Quota); err != nil {
			return nil, err
		}
		out[x.OrgPath] = &x
	}
	return out, rows.Err()
}

// above is the nearest organization strictly above path that has a
// quota (the organizer at the latest), or nil outside the campaign.
func above(all map[string]*Quota, path string) *Quota {
	for p := parentPath(path); p != ""; p = parentPath(p) {
		if x, ok := all[p]; ok {
			return x
		}
	}
	return nil
}

// parentPath is "/1/17/" for "/1/17/342/", "" for the root.
func parentPath(p string) string {
	i := strings.LastIndexByte(strings.TrimSuffix(p, "/"), '/')
	if i <= 0 {
		return ""
	}
	return p[:i+1]
}

// allocated is how much of x's quota is given on below it.
func allocated(all map[string]*Quota, x *Quota) int {
	n := 0
	for _, y := range all {
		if y != x && above(all, y.OrgPath) == x {
			n += y.Quota
		}
	}
	return n
}

// used counts the live nominations the organization at path has passed
// upward: from its subtree, and held above it now. The organizer's use is
// what it has received.
func used(ctx context.Context, q db.Q, c *Campaign, path string) (int, error) {
	var n int
	if path == c.OrgPath {
		err := q.QueryRowContext(ctx, `SELECT count(*) FROM nominations WHERE campaign_id = $1 AND status = $2`,
			c.ID, NomSubmitted).Scan(&n)
		return n, err
	}
	var holders []string
	for p := parentPath(path); p != "" && strings.HasPrefix(p, c.OrgPath); p = parentPath(p) {
		holders = append(holders, p)
	}
	a := &db.Args{}
	in := make([]string, len(holders))
	for i, h := range holders {
		in[i] = a.Add(h)
	}
	if len(in) == 0 {
		return 0, nil
	}
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM nominations WHERE campaign_id = `+a.Add(c.ID)+
		` AND origin_path >= `+a.Add(path)+` AND origin_path < `+a.Add(db.PathUpper(path))+
		` AND status IN (`+a.Add(NomPending)+`, `+a.Add(NomSubmitted)+`) AND holder_path IN (`+strings.Join(in, ", ")+`)`,
		a.List()...).Scan(&n)
	return n, err
}

// SetQuota gives the organization orgID a quota of n in the campaign. It
// is given by whoever manages the nearest organization above it that has
// a quota (the organizer at the top), while the campaign is in draft or
// nominating; the allocations of that organization must fit its quota,
// and n must cover what orgID has already given on and passed upward.
func (s *Service) SetQuota(ctx context.Context, by *auth.Actor, campaignID, orgID int64, n int) (*Quota, error) {
	var out *Quota
	err := s.inTx(ctx, func(tx *db.Tx) error {
		c, err := byID(ctx, tx, campaignID)
		if err != nil || !s.visible(ctx, by, c) {
			return errs.ErrNotFound
		}
		if c.Stage != StageDraft && c.Stage != StageNominating {
			return errs.E(errs.Conflict, "err.campaign_stage")
		}
		var path string
		if err := tx.QueryRowContext(ctx, `SELECT path FROM orgs WHERE id = $1 AND status = 'active'`, orgID).Scan(&path); err != nil ||
			path == c.OrgPath || !strings.HasPrefix(path, c.OrgPath) {
			return (errs.Fields{"org_id": "err.org_unknown"}).Err()
		}
		if in, err := s.inScope(ctx, c, path); err != nil || !in {
			return (errs.Fields{"org_id": "err.campaign_out_of_scope"}).Err()
		}
		all, err := quotas(ctx, tx, c)
		if err != nil {
			return err
		}
		parent := above(all, path)
		if parent == nil || !by.Can(auth.CampaignManage, parent.OrgPath) {
			return errs.ErrNotFound
		}
		x, had := all[path]
		if !had {
			x = &Quota{OrgID: orgID, OrgPath: path}
			all[path] = x
		}
		old := x.Quota
		x.Quota = n
		use, err := used(ctx, tx, c, path)
		if err != nil {
			return err
		}
		switch {
		case n < 0 || n > 100000:
			return (errs.Fields{"quota": "err.invalid"}).Err()
		case allocated(all, parent) > parent.Quota:
			return (errs.Fields{"quota": "err.quota_exceeds_parent"}).Err()
		case n < allocated(all, x):
			return (errs.Fields{"quota": "err.quota_below_allocated"}).Err()
		case n < use:
			return (errs.Fields{"quota": "err.quota_below_used"}).Err()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO campaign_quotas (campaign_id, org_id, org_path, quota) VALUES ($1, $2, $3, $4)
			ON CONFLICT (campaign_id, org_id) DO UPDATE SET quota = excluded.quota`, c.ID, orgID, path, n); err != nil {
			return err
		}
		out = &Quota{OrgID: orgID, OrgPath: path, Quota: n, Allocated: allocated(all, x), Used: use}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "campaign.quota", ObjectType: "campaign", ObjectID: c.ID, OrgID: orgID,
			Summary: fmt.Sprintf("org=%d quota=%d was=%d", orgID, n, old)})
	})
	return out, err
}

// QuotaOf is an organization's quota in the campaign with its use; an
// organization without one reports the nearest quota above it.
func (s *Service) QuotaOf(ctx context.Context, by *auth.Actor, campaignID, orgID int64) (*Quota, error) {
	c, err := s.Get(ctx, by, campaignID)
	if err != nil {
		return nil, err
	}
	o, err := s.orgs.FindByID(ctx, by, orgID)
	if err != nil {
		return nil, err
	}
	all, err := quotas(ctx, s.db.R(), c)
	if err != nil {
		return nil, err
	}
	x, ok := all[o.Path]
	if !ok {
		if x = above(all, o.Path); x == nil {
			return nil, errs.ErrNotFound
		}
	}
	out := *x
	out.Allocated = allocated(all, x)
	if out.Used, err = used(ctx, s.db.R(), c, x.OrgPath); err != nil {
		return nil, err
	}
	return &out, nil
}
