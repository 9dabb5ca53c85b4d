package campaign_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/org"
)

// Sizes of the closing benchmark: issue 11's 5,000 nominations, each
// scored by 3 of 50 reviewers on a 4-line rubric.
const (
	benchNominations = 5000
	benchReviewers   = 50
	benchPer         = 3
)

// BenchmarkCloseRound times closing a round of 5,000 nominations × 3
// reviews (60,000 scores), z-scores being the costliest method. The data
// goes in by batched SQL, not through the services; each iteration
// reopens the round by SQL, untimed, and closes it again.
func BenchmarkCloseRound(b *testing.B) {
	for _, name := range dbtest.Names() {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			d := dbtest.Open(b, name)
			cs, boss, r := benchRound(b, ctx, d)
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				if _, err := d.W().ExecContext(ctx, `UPDATE review_rounds SET status = 'open', closed_at = NULL WHERE id = $1`, r.ID); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := cs.CloseRound(ctx, boss, r.ID); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			var n, passed int
			if err := d.R().QueryRowContext(ctx, `SELECT count(*), sum(CASE WHEN passed THEN 1 ELSE 0 END) FROM review_results
				WHERE round_id = $1`, r.ID).Scan(&n, &passed); err != nil || n != benchNominations || passed < 100 {
				b.Fatalf("%d results, %d passed: %v", n, passed, err)
			}
			if per := b.Elapsed() / time.Duration(b.N); name == "sqlite" && per > time.Second {
				b.Errorf("closing took %v, over a second", per)
			}
		})
	}
}

// benchRound builds a reviewing campaign with a round whose every
// assignment is scored, and returns the service and its organizer.
func benchRound(b *testing.B, ctx context.Context, d *db.DB) (*campaign.Service, *auth.Actor, *campaign.Round) {
	b.Helper()
	log := audit.New([]byte("bench-key"), nil)
	orgs := org.New(d, log, nil)
	root, err := orgs.CreateRoot(ctx)
	if err != nil {
		b.Fatal(err)
	}
	cs := campaign.New(d, log, orgs, nil)
	cs.Register(campaign.OrgKind{Orgs: orgs})
	boss := &auth.Actor{UserID: 1, Login: "bench", Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "global"}}}
	c, err := cs.Create(ctx, boss, campaign.Input{Title: "万人评审", OrgID: root.ID, NomineeKind: campaign.NomineeOrg, Winners: 100,
		Total: 10000})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	var users []int64
	err = d.InTx(ctx, func(tx *db.Tx) error {
		var rows [][]any
		for i := range benchReviewers {
			rows = append(rows, []any{fmt.Sprintf("bench.r%02d", i), fmt.Sprintf("专家%02d", i), root.ID, "x", now, now})
		}
		if err := db.InsertRows(ctx, tx, `INSERT INTO users (login, name, org_id, password_hash, password_changed_at, created_at) VALUES`,
			rows, "RETURNING id", func(r *sql.Rows) error {
				var id int64
				err := r.Scan(&id)
				users = append(users, id)
				return err
			}); err != nil {
			return err
		}
		rows = rows[:0]
		for i := range benchNominations {
			rows = append(rows, []any{c.ID, campaign.NomineeOrg, 100000 + i, fmt.Sprintf("候选集体%04d", i), root.ID, root.Path, root.ID,
				root.Path, campaign.NomSubmitted, "", "事迹", boss.UserID, now, now})
		}
		if err := db.InsertRows(ctx, tx, `INSERT INTO nominations (campaign_id, nominee_kind, nominee_id, nominee_name, origin_id,
			origin_path, holder_id, holder_path, status, moral, summary, created_by, created_at, updated_at) VALUES`, rows, "", nil); err != nil {
			return err
		}
		rows = rows[:0]
		for _, u := range users {
			rows = append(rows, []any{c.ID, u, benchNominations, boss.UserID, now})
		}
		return db.InsertRows(ctx, tx, `INSERT INTO campaign_reviewers (campaign_id, user_id, load_limit, added_by, added_at) VALUES`,
			rows, "", nil)
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, st := range []string{campaign.StageNominating, campaign.StageChecking, campaign.StageReviewing} {
		if _, err := cs.Advance(ctx, boss, c.ID, st); err != nil {
			b.Fatal(err)
		}
	}
	in := campaign.RoundInput{Name: "初评", Method: campaign.MethodZScore, Shortlist: 100, Criteria: []campaign.Criterion{
		{Name: "思想品德", Weight: 25, Max: 10}, {Name: "工作业绩", Weight: 25, Max: 100}, {Name: "创新成果", Weight: 25, Max: 100},
		{Name: "示范作用", Weight: 25, Max: 100}}}
	r, err := cs.OpenRound(ctx, boss, c.ID, in)
	if err != nil {
		b.Fatal(err)
	}
	err = d.InTx(ctx, func(tx *db.Tx) error {
		var noms []int64
		rows, err := tx.QueryContext(ctx, `SELECT nomination_id FROM review_entries WHERE round_id = $1 ORDER BY nomination_id`, r.ID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			noms = append(noms, id)
		}
		rows.Close()
		ids, err := db.NextIDs(ctx, tx, "review_assignments", len(noms)*benchPer)
		if err != nil {
			return err
		}
		var as, ss [][]any
		for i, n := range noms {
			for k := range benchPer {
				id := ids[i*benchPer+k]
				sc := []int{(i + k) % 11, (i * 7 % 101), (i*13 + k*5) % 101, (i*3 + k*31) % 101}
				scores := map[int64]int{}
				for j, cr := range r.Criteria {
					scores[cr.ID] = sc[j]
					ss = append(ss, []any{id, 1, cr.ID, sc[j]})
				}
				as = append(as, []any{id, r.ID, n, users[(i*benchPer+k)%benchReviewers], campaign.ReviewSubmitted, 1,
					campaign.WeightedTotal(r.Criteria, scores), "", boss.UserID, now, now})
			}
		}
		if err := db.InsertRows(ctx, tx, `INSERT INTO review_assignments (id, round_id, nomination_id, reviewer_id, status, version,
			total, comment, assigned_by, assigned_at, submitted_at) VALUES`, as, "", nil); err != nil {
			return err
		}
		return db.InsertRows(ctx, tx, `INSERT INTO review_scores (assignment_id, version, criterion_id, score) VALUES`, ss, "", nil)
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := d.Analyze(ctx); err != nil {
		b.Fatal(err)
	}
	return cs, boss, r
}
