// Command campaignseed adds issue 11's load campaign to a demo database
// (made by `qinggong demo`): one selection organized by the root
// committee with 5,000 submitted person nominations, a panel of 50
// reviewers, one round with a 3-criterion rubric in which every
// nomination has 3 submitted reviews (15,000 assignments, 45,000 scores),
// closed by the real (*campaign.Service).CloseRound (timed), then a
// public notice of the top 50 and the campaign moved to publicity.
//
// The stage changes, the panel, the round, its closing and the notice go
// through the campaign service (audited as always); the bulk (reviewer
// accounts, nominations, assignments, scores) goes in as batched SQL in
// transactions, as BenchmarkCloseRound does. Each submitted review gets
// the audit record Submit would write, in the same transaction as its
// scores, so that `qinggong audit verify` (campaign.CheckReviews) passes
// afterwards. Nominations are written without nomination steps or audit
// records of their own: their history pages show no steps.
//
// It reads the database and secret like the app (QG_DB, QG_SECRET_FILE,
// --db) and prints key=value lines:
//
//	campaign=… round=… nominations=5000 assignments=15000 scores=45000
//	seed_ms=… analyze_ms=… close_ms=… notice_items=50
//
//	go run ./bench/campaignseed --db sqlite:/tmp/qg.db
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"qinggong/internal/app"
	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/config"
	"qinggong/internal/db"
	"qinggong/internal/org"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "campaignseed:", err)
		os.Exit(1)
	}
}

type options struct {
	nominations, reviewers, per, batch, notice int
	method, admin                              string
	analyze                                    bool
}

func run(ctx context.Context, args []string, out io.Writer) error {
	cfg := config.Default()
	if err := cfg.FromEnv(); err != nil {
		return err
	}
	var o options
	fs := flag.NewFlagSet("campaignseed", flag.ContinueOnError)
	cfg.DBFlags(fs)
	fs.IntVar(&o.nominations, "nominations", 5000, "submitted person nominations")
	fs.IntVar(&o.reviewers, "reviewers", 50, "reviewers on the panel")
	fs.IntVar(&o.per, "per", 3, "reviews per nomination")
	fs.IntVar(&o.batch, "batch", 1000, "nominations per transaction when writing reviews")
	fs.IntVar(&o.notice, "notice", 50, "candidates on the notice (the best of the ranking)")
	fs.StringVar(&o.method, "method", campaign.MethodZScore, "aggregation method of the round: mean, trimmed or zscore")
	fs.StringVar(&o.admin, "admin", "admin", "login of the organizer (an administrator of the root committee)")
	fs.BoolVar(&o.analyze, "analyze", true, "refresh planner statistics after the bulk load (before closing) and at the end, as the demo does after its load")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.per > o.reviewers || o.nominations < 1 || o.notice < 1 || o.notice > o.nominations {
		return errors.New("need 1 <= notice <= nominations and per <= reviewers")
	}
	a, err := app.Open(ctx, cfg, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	return seed(ctx, a, o, out)
}

func seed(ctx context.Context, a *app.App, o options, out io.Writer) error {
	d, cs := a.DB, a.Campaigns
	root, err := a.Orgs.Root(ctx)
	if err != nil {
		return err
	}
	u, err := a.Users.FindUserByLogin(ctx, o.admin)
	if err != nil {
		return fmt.Errorf("organizer %q: %w", o.admin, err)
	}
	boss, err := a.Users.Actor(ctx, u.ID)
	if err != nil {
		return err
	}
	bctx := auth.WithAuditMeta(ctx, boss)
	start := time.Now()
	c, err := cs.Create(bctx, boss, campaign.Input{Title: fmt.Sprintf("万人评审压测（%d 项提名）", o.nominations), OrgID: root.ID,
		NomineeKind: campaign.NomineePerson, Winners: o.notice, Total: 2 * o.nominations})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	if c, err = cs.Advance(bctx, boss, c.ID, campaign.StageNominating); err != nil {
		return err
	}
	if err := nominations(ctx, d, c, root, boss, o.nominations); err != nil {
		return fmt.Errorf("nominations: %w", err)
	}
	for _, st := range []string{campaign.StageChecking, campaign.StageReviewing} {
		if c, err = cs.Advance(bctx, boss, c.ID, st); err != nil {
			return err
		}
	}
	panel, err := reviewers(ctx, d, root, c, o.reviewers)
	if err != nil {
		return fmt.Errorf("reviewers: %w", err)
	}
	load := (o.nominations*o.per + o.reviewers - 1) / o.reviewers
	for _, rv := range panel {
		if _, err := cs.AddReviewer(bctx, boss, c.ID, rv.UserID, load); err != nil {
			return fmt.Errorf("reviewer %s: %w", rv.Login, err)
		}
	}
	r, err := cs.OpenRound(bctx, boss, c.ID, campaign.RoundInput{Name: "初评", Method: o.method, Shortlist: 2 * o.notice,
		Criteria: []campaign.Criterion{
			{Name: "工作业绩", Weight: 40, Min: 0, Max: 100},
			{Name: "创新创效", Weight: 30, Min: 0, Max: 100},
			{Name: "示范带动", Weight: 30, Min: 0, Max: 100}}})
	if err != nil {
		return fmt.Errorf("open round: %w", err)
	}
	nassign, nscores, err := reviews(ctx, d, a.Audit, c, r, panel, boss, o)
	if err != nil {
		return fmt.Errorf("reviews: %w", err)
	}
	if _, err := d.W().ExecContext(ctx, `INSERT INTO campaign_counts (campaign_id, status, n) VALUES ($1, $2, $3)`,
		c.ID, campaign.NomSubmitted, o.nominations); err != nil {
		return err
	}
	seeded := time.Since(start)
	var analyzed time.Duration
	if o.analyze {
		t := time.Now()
		if err := d.Analyze(ctx); err != nil {
			return err
		}
		analyzed = time.Since(t)
	}
	t := time.Now()
	if _, err := cs.CloseRound(bctx, boss, r.ID); err != nil {
		return fmt.Errorf("close round: %w", err)
	}
	closed := time.Since(t)
	page, err := cs.Ranking(bctx, boss, r.ID, campaign.RankCursor{}, o.notice)
	if err != nil {
		return err
	}
	items := make([]campaign.NoticeItem, len(page.Items))
	for i, x := range page.Items {
		items[i] = campaign.NoticeItem{NominationID: x.NominationID}
	}
	today := time.Now().In(time.FixedZone("Asia/Shanghai", 8*3600))
	if _, err := cs.Publicize(bctx, boss, c.ID, campaign.NoticeInput{Starts: today.Format(time.DateOnly),
		Ends: today.AddDate(0, 0, 9).Format(time.DateOnly), Contact: "团市委青工部 021-12345678", Items: items}); err != nil {
		return fmt.Errorf("notice: %w", err)
	}
	if _, err := cs.Advance(bctx, boss, c.ID, campaign.StagePublicity); err != nil {
		return err
	}
	// The pages are measured in the steady state, statistics caught up
	// with the results and the notice (PostgreSQL's autovacuum would
	// within a minute; planned on statistics from before the close, its
	// ranking query merge-joins every nomination: 14 ms instead of 0.3).
	if o.analyze {
		t := time.Now()
		if err := d.Analyze(ctx); err != nil {
			return err
		}
		analyzed += time.Since(t)
	}
	fmt.Fprintf(out, "campaign=%d\nround=%d\nnominations=%d\nreviewers=%d\nassignments=%d\nscores=%d\nmethod=%s\n",
		c.ID, r.ID, o.nominations, len(panel), nassign, nscores, o.method)
	fmt.Fprintf(out, "seed_ms=%d\nanalyze_ms=%d\nclose_ms=%.1f\nnotice_items=%d\n",
		seeded.Milliseconds(), analyzed.Milliseconds(), float64(closed.Microseconds())/1000, len(items))
	return nil
}

var (
	morals = []string{
		"政治立场坚定，拥护党的路线方针政策；爱岗敬业，遵纪守法，群众基础好，在青年中有较强的示范带动作用。",
		"思想政治素质好，积极参加团组织活动；职业道德良好，诚实守信，乐于奉献，获得单位和同事的一致好评。",
	}
	summaries = []string{
		"扎根生产一线，牵头完成工艺改进 3 项，年节约成本约 40 万元；带徒 5 名，其中 2 人取得技师资格。",
		"在市级职业技能竞赛中获一等奖；主持班组 QC 课题，产品一次合格率由 96% 提高到 99.2%。",
		"承担重点工程关键工序攻关，带领青年突击队提前 20 天完成节点任务；获评区级青年岗位能手。",
	}
)

// nominations puts n active people forward, each from their own
// organization, submitted to the organizer, in one transaction.
func nominations(ctx context.Context, d *db.DB, c *campaign.Campaign, root *org.Org, by *auth.Actor, n int) error {
	type person struct {
		id, org       int64
		name, orgPath string
	}
	var people []person
	rows, err := d.R().QueryContext(ctx, `SELECT id, name, org_id, org_path FROM people WHERE status = 'active' ORDER BY id LIMIT $1`, n)
	if err != nil {
		return err
	}
	for rows.Next() {
		var p person
		if err := rows.Scan(&p.id, &p.name, &p.org, &p.orgPath); err != nil {
			rows.Close()
			return err
		}
		people = append(people, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(people) < n {
		return fmt.Errorf("%d active people, %d wanted", len(people), n)
	}
	now := time.Now().UTC()
	return d.InTx(ctx, func(tx *db.Tx) error {
		batch := make([][]any, len(people))
		for i, p := range people {
			batch[i] = []any{c.ID, campaign.NomineePerson, p.id, p.name, p.org, p.orgPath, root.ID, root.Path, campaign.NomSubmitted,
				morals[i%len(morals)], summaries[i%len(summaries)], by.UserID, now, now}
		}
		return db.InsertRows(ctx, tx, `INSERT INTO nominations (campaign_id, nominee_kind, nominee_id, nominee_name, origin_id,
			origin_path, holder_id, holder_path, status, moral, summary, created_by, created_at, updated_at) VALUES`, batch, "", nil)
	})
}

// reviewers makes n accounts at the root (above every nomination: no
// conflict of interest) that cannot log in, and returns them.
func reviewers(ctx context.Context, d *db.DB, root *org.Org, c *campaign.Campaign, n int) ([]auth.Actor, error) {
	now := time.Now().UTC()
	var out []auth.Actor
	err := d.InTx(ctx, func(tx *db.Tx) error {
		batch := make([][]any, n)
		for i := range batch {
			login := fmt.Sprintf("bench.c%d.r%02d", c.ID, i+1)
			batch[i] = []any{login, fmt.Sprintf("评审专家%02d", i+1), root.ID, "!bench: no login", now, now}
		}
		return db.InsertRows(ctx, tx, `INSERT INTO users (login, name, org_id, password_hash, password_changed_at, created_at) VALUES`,
			batch, "RETURNING id, login", func(r *sql.Rows) error {
				var a auth.Actor
				err := r.Scan(&a.UserID, &a.Login)
				a.OrgID = root.ID
				out = append(out, a)
				return err
			})
	})
	slices.SortFunc(out, func(a, b auth.Actor) int { return int(a.UserID - b.UserID) })
	return out, err
}

// reviews assigns each nomination of the round to per reviewers of the
// panel (in turn) and submits their scores, with the audit record Submit
// writes, batch nominations per transaction.
func reviews(ctx context.Context, d *db.DB, log *audit.Log, c *campaign.Campaign, r *campaign.Round, panel []auth.Actor,
	by *auth.Actor, o options) (int, int, error) {
	var noms []int64
	rows, err := d.R().QueryContext(ctx, `SELECT nomination_id FROM review_entries WHERE round_id = $1 ORDER BY nomination_id`, r.ID)
	if err != nil {
		return 0, 0, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, 0, err
		}
		noms = append(noms, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	// Reviews' audit metadata is their reviewer's, as when they submit.
	rctx := make([]context.Context, len(panel))
	for i := range panel {
		rctx[i] = auth.WithAuditMeta(ctx, &panel[i])
	}
	rng := rand.New(rand.NewPCG(11, 5000))
	nassign, nscores := 0, 0
	for start := 0; start < len(noms); start += o.batch {
		part := noms[start:min(start+o.batch, len(noms))]
		err := d.InTx(ctx, func(tx *db.Tx) error {
			ids, err := db.NextIDs(ctx, tx, "review_assignments", len(part)*o.per)
			if err != nil {
				return err
			}
			now := time.Now().UTC()
			as := make([][]any, 0, len(ids))
			ss := make([][]any, 0, len(ids)*len(r.Criteria))
			type rec struct {
				reviewer int
				e        audit.Entry
			}
			recs := make([]rec, 0, len(ids))
			for i, n := range part {
				// A nomination's merit, and each reviewer's view of it.
				merit := 40 + rng.IntN(50)
				for k := range o.per {
					id := ids[i*o.per+k]
					rv := (start+i)*o.per + k
					scores := make(map[int64]int, len(r.Criteria))
					for _, cr := range r.Criteria {
						v := min(max(merit+rng.IntN(21)-10, cr.Min), cr.Max)
						scores[cr.ID] = v
						ss = append(ss, []any{id, 1, cr.ID, v})
					}
					total := campaign.WeightedTotal(r.Criteria, scores)
					as = append(as, []any{id, r.ID, n, panel[rv%len(panel)].UserID, campaign.ReviewSubmitted, 1, total, "",
						by.UserID, now, now})
					// The summary Submit records (review_score.go); audit
					// verify compares its scores= with the table.
					recs = append(recs, rec{rv % len(panel), audit.Entry{Action: "review.submit", ObjectType: "review", ObjectID: id,
						OrgID: c.OrgID, Summary: fmt.Sprintf("round=%d nomination=%d scores=%s total=%.2f", r.ID, n, scoreText(scores), total)}})
				}
			}
			if err := db.InsertRows(ctx, tx, `INSERT INTO review_assignments (id, round_id, nomination_id, reviewer_id, status, version,
				total, comment, assigned_by, assigned_at, submitted_at) VALUES`, as, "", nil); err != nil {
				return err
			}
			if err := db.InsertRows(ctx, tx, `INSERT INTO review_scores (assignment_id, version, criterion_id, score) VALUES`,
				ss, "", nil); err != nil {
				return err
			}
			for _, x := range recs {
				if err := log.Record(rctx[x.reviewer], tx, x.e); err != nil {
					return err
				}
			}
			nassign, nscores = nassign+len(as), nscores+len(ss)
			return nil
		})
		if err != nil {
			return 0, 0, err
		}
	}
	return nassign, nscores, nil
}

// scoreText is scores as the audit records them: "12:80,13:90", by
// criterion ID (campaign's own, unexported).
func scoreText(scores map[int64]int) string {
	ids := make([]int64, 0, len(scores))
	for id := range scores {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10) + ":" + strconv.Itoa(scores[id])
	}
	return strings.Join(parts, ",")
}
