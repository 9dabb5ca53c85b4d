package campaign

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// Summary is a campaign on the organizers' board: where it stands and how
// many nominations are in each state.
type Summary struct {
	Campaign
	OrgName string         `json:"org_name"`
	Counts  map[string]int `json:"counts"` // nominations by status
}

// bump moves one nomination of a campaign from status from to status to
// in the kept counts ("" from: a new nomination).
func bump(ctx context.Context, tx *db.Tx, campaignID int64, from, to string) error {
	if from == to {
		return nil
	}
	if from != "" {
		if _, err := tx.ExecContext(ctx, `UPDATE campaign_counts SET n = n - 1 WHERE campaign_id = $1 AND status = $2`,
			campaignID, from); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO campaign_counts (campaign_id, status, n) VALUES ($1, $2, 1)
		ON CONFLICT (campaign_id, status) DO UPDATE SET n = campaign_counts.n + 1`, campaignID, to)
	return err
}

// Board lists the campaigns the actor may see, newest first, with their
// counts. Campaigns are few (tens a year per committee), so they are read
// whole and filtered by visibility here; the counts are kept rows, read in
// the same statement (one primary-key lookup per status), so the board
// costs one query.
func (s *Service) Board(ctx context.Context, by *auth.Actor) ([]Summary, error) {
	rows, err := s.db.R().QueryContext(ctx, boardQuery)
	if err != nil {
		return nil, err
	}
	var out []Summary
	for rows.Next() {
		var x Summary
		var n [len(boardStatuses)]sql.NullInt64
		tail := []any{&x.OrgName}
		for i := range n {
			tail = append(tail, &n[i])
		}
		if err := scanCampaign(db.ScanTail(rows, tail...), &x.Campaign); err != nil {
			rows.Close()
			return nil, err
		}
		x.Counts = map[string]int{}
		for i, st := range boardStatuses {
			if n[i].Valid {
				x.Counts[st] = int(n[i].Int64)
			}
		}
		out = append(out, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Visibility may query (a region's members): not while the rows hold
	// a connection.
	seen := out[:0]
	for _, x := range out {
		if s.visible(ctx, by, &x.Campaign) {
			seen = append(seen, x)
		}
	}
	if len(seen) == 0 {
		return nil, nil
	}
	return seen, nil
}

// boardStatuses are the statuses campaign_counts keeps (bump's).
var boardStatuses = [...]string{NomPending, NomSubmitted, NomReturned, NomWithdrawn}

// boardQuery reads every campaign with its organizer's name and its kept
// count in each of boardStatuses (NULL where none is kept).
var boardQuery = func() string {
	counts := make([]string, len(boardStatuses))
	for i, st := range boardStatuses {
		counts[i] = `(SELECT n FROM campaign_counts k WHERE k.campaign_id = c.id AND k.status = '` + st + `')`
	}
	return `SELECT ` + db.Qualify("c.", campaignColumns) + `, o.name, ` + strings.Join(counts, ", ") + `
		FROM campaigns c JOIN orgs o ON o.id = c.org_id ORDER BY c.id DESC`
}()

// Listed is a nomination as lists show it, with its organizations' names.
type Listed struct {
	Nomination
	OriginName string `json:"origin_name"`
	HolderName string `json:"holder_name"`
}

// NominationFilter narrows a campaign's nominations.
type NominationFilter struct {
	Status string // one of the Nom* states; "" for every live one
	After  int64  // keyset cursor: nominations with a smaller ID
	Limit  int    // 1–500, 100 when 0
}

// NominationPage is one page of nominations, newest first.
type NominationPage struct {
	Items []Listed `json:"items"`
	Next  int64    `json:"next,omitempty"` // the After of the next page; 0 on the last
}

// Nominations lists a campaign's nominations the actor may see: every one
// for its organizer; for a nominating organization, those it sent or holds
// (its CampaignNominate or OrgRead scope, by origin or holder).
func (s *Service) Nominations(ctx context.Context, by *auth.Actor, campaignID int64, f NominationFilter) (*NominationPage, error) {
	c, err := s.Get(ctx, by, campaignID)
	if err != nil {
		return nil, err
	}
	switch f.Status {
	case "", NomPending, NomSubmitted, NomReturned, NomWithdrawn:
	default:
		return nil, (errs.Fields{"status": "err.choose"}).Err()
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	if f.Limit > 500 {
		return nil, (errs.Fields{"limit": "err.invalid"}).Err()
	}
	a := &db.Args{}
	where := []string{"n.campaign_id = " + a.Add(c.ID)}
	if !by.Can(auth.CampaignManage, c.OrgPath) {
		sc := by.Scope(auth.CampaignNominate)
		where = append(where, "("+sc.Where("n.origin_path", a)+" OR "+sc.Where("n.holder_path", a)+")")
	}
	if f.Status != "" {
		where = append(where, "n.status = "+a.Add(f.Status))
	} else {
		where = append(where, "n.status <> "+a.Add(NomWithdrawn))
	}
	if f.After > 0 {
		where = append(where, "n.id < "+a.Add(f.After))
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+db.Qualify("n.", nominationColumns)+`, oo.name, ho.name FROM nominations n
		JOIN orgs oo ON oo.id = n.origin_id JOIN orgs ho ON ho.id = n.holder_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY n.id DESC LIMIT `+a.Add(f.Limit+1), a.List()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := &NominationPage{}
	for rows.Next() {
		var x Listed
		if err := scanNomination(rows, &x.Nomination, &x.OriginName, &x.HolderName); err != nil {
			return nil, err
		}
		out.Items = append(out.Items, x)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out.Items) > f.Limit {
		out.Items = out.Items[:f.Limit]
		out.Next = out.Items[f.Limit-1].ID
	}
	return out, nil
}

// Quotas lists the quotas of a campaign with their use: all of them for
// the organizer, those within the actor's CampaignNominate scope otherwise.
func (s *Service) Quotas(ctx context.Context, by *auth.Actor, campaignID int64) ([]Quota, error) {
	c, err := s.Get(ctx, by, campaignID)
	if err != nil {
		return nil, err
	}
	all, err := quotas(ctx, s.db.R(), c)
	if err != nil {
		return nil, err
	}
	manage := by.Can(auth.CampaignManage, c.OrgPath)
	var out []Quota
	for _, x := range all {
		if !manage && !by.Can(auth.CampaignNominate, x.OrgPath) {
			continue
		}
		q := *x
		q.Allocated = allocated(all, x)
		if q.Used, err = used(ctx, s.db.R(), c, x.OrgPath); err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	slices.SortFunc(out, func(a, b Quota) int { return strings.Compare(a.OrgPath, b.OrgPath) })
	return out, s.nameQuotas(ctx, out)
}

// nameQuotas fills in the organizations' names.
func (s *Service) nameQuotas(ctx context.Context, qs []Quota) error {
	if len(qs) == 0 {
		return nil
	}
	a := &db.Args{}
	ids := make([]string, len(qs))
	at := map[int64]int{}
	for i, q := range qs {
		ids[i], at[q.OrgID] = a.Add(q.OrgID), i
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT id, name FROM orgs WHERE id IN (`+strings.Join(ids, ", ")+`)`, a.List()...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		qs[at[id]].OrgName = name
	}
	return rows.Err()
}

// Counts is a campaign's nominations by status (the caller has checked
// the campaign is visible).
func (s *Service) Counts(ctx context.Context, campaignID int64) (map[string]int, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT status, n FROM campaign_counts WHERE campaign_id = $1`, campaignID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}

// NominatingFor lists the campaigns on the actor's board that are taking
// nominations of people and whose tree holds path: where a module may put
// someone of that organization forward (a talent recommendation, a
// competition placement).
func (s *Service) NominatingFor(ctx context.Context, by *auth.Actor, path string) ([]Summary, error) {
	all, err := s.Board(ctx, by)
	if err != nil {
		return nil, err
	}
	var out []Summary
	for _, c := range all {
		if c.Stage == StageNominating && c.NomineeKind == NomineePerson && strings.HasPrefix(path, c.OrgPath) {
			out = append(out, c)
		}
	}
	return out, nil
}
