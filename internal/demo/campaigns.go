package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/org"
	"qinggong/internal/person"
)

// The demo's selections, one at each stage the work plan's process runs
// through: the city's Ten Outstanding Young Technicians taking nominations
// level by level, the Outstanding Young Job Experts in expert review, the
// Outstanding Youth Shock Teams on public notice with an objection being
// looked into, and last year's Young Entrepreneur Stars finished, with
// certificates. Everything goes through the campaign engine, each step
// audited, on a clock of the demo's own so that last year's selection
// really ran last year.

// demoClock is the time the demo's campaign service runs on.
type demoClock struct{ t time.Time }

func (c *demoClock) now() time.Time { return c.t }

// campaignRun is what the campaign loader works with.
type campaignRun struct {
	ctx       context.Context
	d         *db.DB
	svc       *campaign.Service
	registry  *person.Service
	clock     *demoClock
	by        *auth.Actor
	root      *org.Org
	reviewers []*auth.Actor
	r         *rand.Rand
	today     time.Time
}

// reviewerLogins are the demo's expert reviewers: accounts named per
// campaign, not by a role (they read nothing else).
var reviewerLogins = []string{"expert_1", "expert_2", "expert_3", "expert_4", "expert_5"}

// loadCampaigns runs the four selections and returns how many it made.
func loadCampaigns(ctx context.Context, s Services, root *org.Org, seed int64, today time.Time) (int, error) {
	clock := &demoClock{t: today}
	svc := campaign.New(s.DB, s.Audit, s.Orgs, clock.now)
	svc.Register(campaign.PersonKind{People: s.People})
	svc.Register(campaign.OrgKind{Orgs: s.Orgs})
	run := &campaignRun{ctx: ctx, d: s.DB, svc: svc, registry: s.People, clock: clock, root: root, today: today,
		r:  rand.New(rand.NewPCG(uint64(seed), 0xCA4A1)),
		by: &auth.Actor{UserID: 0, Login: "demo", OrgID: root.ID, Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}}
	for _, login := range reviewerLogins {
		u, err := s.Users.FindUserByLogin(ctx, login)
		if err != nil {
			return 0, fmt.Errorf("demo: reviewer %s: %w", login, err)
		}
		a, err := s.Users.Actor(ctx, u.ID)
		if err != nil {
			return 0, err
		}
		run.reviewers = append(run.reviewers, a)
	}
	for _, step := range []func() error{run.finished, run.nominating, run.reviewing, run.publicity} {
		if err := step(); err != nil {
			return 0, fmt.Errorf("demo: campaigns: %w", err)
		}
	}
	return 4, nil
}

// nominee is a registered person or organization with the organization
// that puts it forward.
type nominee struct {
	id, orgID int64
	orgPath   string
}

// people picks up to n active people aged at most maxAge with skill grade
// at least skill (0: any), at most perDistrict from each district.
func (r *campaignRun) people(n, maxAge, skill, perDistrict int) ([]nominee, error) {
	born := r.today.AddDate(-maxAge, 0, 1).Format(time.DateOnly)
	q := `SELECT id, org_id, org_path FROM people WHERE status = 'active' AND birth_date >= $1`
	args := []any{born}
	if skill > 0 {
		q += ` AND skill_level BETWEEN 1 AND $2`
		args = append(args, skill)
	}
	// People are numbered district by district; a stride through all of
	// them (not the first 20,000) reaches every district at city scale.
	var total int64
	if err := r.d.R().QueryRowContext(r.ctx, `SELECT count(*) FROM people`).Scan(&total); err != nil {
		return nil, err
	}
	q += fmt.Sprintf(` AND id %% %d = 0`, total/20000+1)
	rows, err := r.d.R().QueryContext(r.ctx, q+` ORDER BY id LIMIT 20000`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	seen := map[string]int{}
	var out []nominee
	for rows.Next() && len(out) < n {
		var x nominee
		if err := rows.Scan(&x.id, &x.orgID, &x.orgPath); err != nil {
			return nil, err
		}
		if d := districtOf(x.orgPath); seen[d] < perDistrict && strings.Count(x.orgPath, "/") > 3 {
			seen[d]++
			out = append(out, x)
		}
	}
	return out, rows.Err()
}

// units picks up to n active unit committees, at most perDistrict from
// each district; each is put forward by its district.
func (r *campaignRun) units(n, perDistrict int) ([]nominee, error) {
	rows, err := r.d.R().QueryContext(r.ctx, `SELECT o.id, o.path FROM orgs o JOIN orgs p ON p.id = o.parent_id
		WHERE o.level = $1 AND o.status = 'active' AND p.level = $2 ORDER BY o.id LIMIT 5000`, org.LevelUnit, org.LevelDistrict)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	seen := map[string]int{}
	var out []nominee
	for rows.Next() && len(out) < n {
		var x nominee
		if err := rows.Scan(&x.id, &x.orgPath); err != nil {
			return nil, err
		}
		if d := districtOf(x.orgPath); seen[d] < perDistrict {
			seen[d]++
			x.orgID, x.orgPath = org.LastID(d), d
			out = append(out, x)
		}
	}
	return out, rows.Err()
}

// districtOf is the path of the second level above path ("/1/17/").
func districtOf(path string) string {
	parts := strings.SplitN(strings.Trim(path, "/"), "/", 3)
	if len(parts) < 2 {
		return path
	}
	return "/" + parts[0] + "/" + parts[1] + "/"
}

var demoMorals = []string{
	"政治立场坚定，拥护党的路线方针政策；爱岗敬业，遵纪守法，群众基础好，在青年中有较强的示范带动作用，多次被评为单位优秀共青团员。",
	"思想政治素质好，积极参加团组织活动；职业道德良好，诚实守信，乐于奉献，获得单位和同事的一致好评，所在班组连续三年获评先进集体。",
	"坚持学习党的理论，政治上积极要求进步；工作中吃苦耐劳、勇挑重担，恪守职业道德，无违法违纪记录，热心公益，坚持参加社区志愿服务五年以上。",
}

var demoSummaries = []string{
	"扎根生产一线，牵头完成工艺改进 3 项，年节约成本约 40 万元；带徒 5 名，其中 2 人取得技师资格。",
	"在市级职业技能竞赛中获一等奖；主持班组 QC 课题，产品一次合格率由 96% 提高到 99.2%。",
	"承担重点工程关键工序攻关，带领青年突击队提前 20 天完成节点任务；获评区级青年岗位能手。",
	"创办科技型小微企业，带动就业 30 余人；参与社区青年创业指导，服务创业青年 100 余人次。",
}

// nominate puts x forward from its own organization and passes it up
// levels times (opinions and ranks as a committee would write them).
func (r *campaignRun) nominate(c *campaign.Campaign, x nominee, levels int) (*campaign.Nomination, error) {
	n, err := r.svc.Nominate(r.ctx, r.by, c.ID, campaign.NominateInput{OrgID: x.orgID, NomineeID: x.id,
		Moral: demoMorals[r.r.IntN(len(demoMorals))], Summary: demoSummaries[r.r.IntN(len(demoSummaries))]})
	if err != nil {
		return nil, fmt.Errorf("nominate %d in %s: %w", x.id, c.Title, err)
	}
	for i := 0; i < levels && n.Status == campaign.NomPending; i++ {
		r.clock.t = r.clock.t.Add(7 * time.Minute)
		if n, err = r.svc.Forward(r.ctx, r.by, n.ID, "经本级团组织研究，同意推荐。", 1+r.r.IntN(3)); err != nil {
			return nil, fmt.Errorf("forward %d in %s: %w", n.ID, c.Title, err)
		}
	}
	return n, nil
}

// toTop passes x all the way to the organizer.
func (r *campaignRun) toTop(c *campaign.Campaign, x nominee) (*campaign.Nomination, error) {
	return r.nominate(c, x, 10)
}

func (r *campaignRun) create(in campaign.Input) (*campaign.Campaign, error) {
	in.OrgID = r.root.ID
	c, err := r.svc.Create(r.ctx, r.by, in)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", in.Title, err)
	}
	return r.advance(c, campaign.StageNominating)
}

func (r *campaignRun) advance(c *campaign.Campaign, stages ...string) (*campaign.Campaign, error) {
	var err error
	for _, st := range stages {
		r.clock.t = r.clock.t.Add(24 * time.Hour)
		if c, err = r.svc.Advance(r.ctx, r.by, c.ID, st); err != nil {
			return nil, fmt.Errorf("%s to %s: %w", c.Title, st, err)
		}
	}
	return c, nil
}

// rubric is the usual three-criterion scoring sheet.
var rubric = []campaign.Criterion{
	{Name: "工作业绩", Weight: 40, Min: 0, Max: 100},
	{Name: "创新创效", Weight: 30, Min: 0, Max: 100},
	{Name: "示范带动", Weight: 30, Min: 0, Max: 100},
}

// review opens a round, names the panel, assigns three reviewers to each
// nomination and has the share done of the assignments scored; with
// close, it closes the round and returns its results.
func (r *campaignRun) review(c *campaign.Campaign, name string, shortlist int, done float64, close bool) ([]campaign.RoundResult, error) {
	for _, a := range r.reviewers {
		if _, err := r.svc.AddReviewer(r.ctx, r.by, c.ID, a.UserID, 60); err != nil {
			return nil, fmt.Errorf("reviewer for %s: %w", c.Title, err)
		}
	}
	round, err := r.svc.OpenRound(r.ctx, r.by, c.ID, campaign.RoundInput{Name: name, Method: "trimmed", Shortlist: shortlist,
		Criteria: rubric})
	if err != nil {
		return nil, fmt.Errorf("round of %s: %w", c.Title, err)
	}
	if _, err := r.svc.AutoAssign(r.ctx, r.by, round.ID, 3); err != nil {
		return nil, fmt.Errorf("assign %s: %w", c.Title, err)
	}
	for _, a := range r.reviewers {
		q, err := r.svc.Queue(r.ctx, a, round.ID)
		if err != nil {
			return nil, err
		}
		for _, it := range q.Items {
			if r.r.Float64() >= done {
				continue
			}
			base := 60 + r.r.IntN(30)
			scores := map[int64]int{}
			for _, cr := range q.Round.Criteria {
				scores[cr.ID] = min(100, base+r.r.IntN(11))
			}
			r.clock.t = r.clock.t.Add(3 * time.Minute)
			if _, err := r.svc.Submit(r.ctx, a, it.AssignmentID, scores, "材料翔实，事迹突出。"); err != nil {
				return nil, fmt.Errorf("score in %s: %w", c.Title, err)
			}
		}
	}
	if !close {
		return nil, nil
	}
	if _, err := r.svc.CloseRound(r.ctx, r.by, round.ID); err != nil {
		return nil, fmt.Errorf("close %s: %w", c.Title, err)
	}
	return r.svc.Results(r.ctx, r.by, round.ID)
}

// publicize puts the round's passed nominations on notice from starts
// for days days and moves the campaign to publicity.
func (r *campaignRun) publicize(c *campaign.Campaign, res []campaign.RoundResult, starts time.Time, days int) (*campaign.Campaign, []int64, error) {
	var items []campaign.NoticeItem
	var ids []int64
	for _, x := range res {
		if x.Passed {
			items = append(items, campaign.NoticeItem{NominationID: x.NominationID})
			ids = append(ids, x.NominationID)
		}
	}
	if _, err := r.svc.Publicize(r.ctx, r.by, c.ID, campaign.NoticeInput{Starts: starts.Format(time.DateOnly),
		Ends: starts.AddDate(0, 0, days-1).Format(time.DateOnly), Contact: "团市委青工部 电话 021-6XXX0000，地址：黄浦区XX路XX号", Items: items}); err != nil {
		return nil, nil, fmt.Errorf("notice of %s: %w", c.Title, err)
	}
	c, err := r.advance(c, campaign.StagePublicity)
	return c, ids, err
}

// object raises an objection to nomination id as a member of the public.
func (r *campaignRun) object(c *campaign.Campaign, id int64, text string) (int64, error) {
	if _, err := r.svc.Object(audit.WithMeta(r.ctx, audit.Meta{Login: "anonymous"}), c.ID,
		campaign.ObjectionInput{NominationID: id, Text: text}, "198.51.100.23"); err != nil {
		return 0, fmt.Errorf("objection in %s: %w", c.Title, err)
	}
	var oid int64
	err := r.d.R().QueryRowContext(r.ctx, `SELECT max(id) FROM objections WHERE campaign_id = $1`, c.ID).Scan(&oid)
	return oid, err
}

// finished is last year's Young Entrepreneur Stars, from announcement to
// certificates: one objection upheld (that nominee is not named), one
// dismissed.
func (r *campaignRun) finished() error {
	year := r.today.Year() - 1
	r.clock.t = time.Date(year, 9, 1, 9, 0, 0, 0, shanghai)
	t, _ := campaign.TemplateOf("venture_star")
	c, err := r.create(campaign.Input{Title: fmt.Sprintf("%d年度上海青年创业明星", year), Kind: t.Kind, NomineeKind: t.NomineeKind,
		Rules: t.Rules, Winners: 5, SelfApply: true})
	if err != nil {
		return err
	}
	cands, err := r.people(10, 40, 0, 1)
	if err != nil {
		return err
	}
	for _, x := range cands {
		if _, err := r.toTop(c, x); err != nil {
			return err
		}
	}
	if c, err = r.advance(c, campaign.StageChecking, campaign.StageReviewing); err != nil {
		return err
	}
	res, err := r.review(c, "评审", 6, 1, true)
	if err != nil {
		return err
	}
	starts := time.Date(year, 11, 3, 0, 0, 0, 0, shanghai)
	r.clock.t = starts.Add(-24 * time.Hour)
	c, ids, err := r.publicize(c, res, starts, 7)
	if err != nil || len(ids) < 2 {
		return fmt.Errorf("notice of last year's stars (%d on it): %v", len(ids), err)
	}
	r.clock.t = starts.Add(2*24*time.Hour + 10*time.Hour)
	upheld, err := r.object(c, ids[len(ids)-1], "该同志所报创业项目实际经营者为其亲属，带动就业人数与社保缴纳记录不符。")
	if err != nil {
		return err
	}
	dismissed, err := r.object(c, ids[0], "听说该企业去年有过劳动纠纷，请核实。")
	if err != nil {
		return err
	}
	r.clock.t = r.clock.t.Add(48 * time.Hour)
	if _, err := r.svc.DecideObjection(r.ctx, r.by, upheld, campaign.Decision{Status: campaign.ObjUpheld,
		Reason: "经实地核查，项目实际经营者非本人，反映情况属实，取消其候选资格。"}); err != nil {
		return err
	}
	if _, err := r.svc.DecideObjection(r.ctx, r.by, dismissed, campaign.Decision{Status: campaign.ObjDismissed,
		Reason: "经向区人社局核实，该企业无劳动仲裁记录，反映情况不属实。"}); err != nil {
		return err
	}
	r.clock.t = starts.AddDate(0, 0, 9)
	var winners []campaign.Winner
	for _, id := range ids[:len(ids)-1] {
		if len(winners) < c.Winners {
			winners = append(winners, campaign.Winner{NominationID: id})
		}
	}
	if _, err := r.svc.Name(r.ctx, r.by, c.ID, winners); err != nil {
		return fmt.Errorf("naming last year's stars: %w", err)
	}
	_, err = r.advance(c, campaign.StageClosed)
	return err
}

// nominating is this year's Ten Outstanding Young Technicians: quotas for
// six districts, nominations at the branch, passed to the unit, the
// district, some on to the city; one returned for revision.
func (r *campaignRun) nominating() error {
	r.clock.t = r.today.AddDate(0, 0, -20)
	t, _ := campaign.TemplateOf("top_technician")
	day := func(d int) string { return r.today.AddDate(0, 0, d).Format(time.DateOnly) }
	c, err := r.create(campaign.Input{Title: fmt.Sprintf("第%s届上海十大杰出青年技师", "二"), Kind: t.Kind, NomineeKind: t.NomineeKind,
		Rules: t.Rules, Winners: t.Winners, Referral: t.Referral,
		Dates: map[string]string{campaign.StageNominating: day(15), campaign.StageChecking: day(25), campaign.StageReviewing: day(45),
			campaign.StagePublicity: day(55), campaign.StageNaming: day(70)},
		Sectors: []campaign.SectorTarget{{Sector: "soe", Min: 3}, {Sector: "private", Min: 2}},
		Form: []campaign.FormField{{Key: "contest", Label: "最高竞赛成绩", Kind: campaign.FieldText, Max: 100},
			{Key: "trade", Label: "职业（工种）", Kind: campaign.FieldChoice, Choices: []string{"数控车工", "钳工", "电工", "焊工", "其他"}}}})
	if err != nil {
		return err
	}
	cands, err := r.people(18, 35, 2, 3)
	if err != nil {
		return err
	}
	quota := map[string]bool{}
	for _, x := range cands {
		d := districtOf(x.orgPath)
		if !quota[d] && len(quota) < 6 {
			if _, err := r.svc.SetQuota(r.ctx, r.by, c.ID, org.LastID(d), 3); err != nil {
				return fmt.Errorf("quota: %w", err)
			}
			quota[d] = true
		}
	}
	for i, x := range cands {
		levels := i % 4 // at the branch, passed once, twice, all the way
		if levels == 3 {
			levels = 10
		}
		n, err := r.nominate(c, x, levels)
		if err != nil {
			return err
		}
		if i == 7 && n.Status == campaign.NomSubmitted {
			if _, err := r.svc.Return(r.ctx, r.by, n.ID, "事迹材料缺少技能竞赛获奖证明，请补充后重新报送。"); err != nil {
				return err
			}
		}
	}
	return r.refer(c, len(cands))
}

// refer has an expert of the city's mentor corps put forward a young
// technician no organization has nominated yet (举荐): the referral waits
// at the technician's branch for its moral assessment.
func (r *campaignRun) refer(c *campaign.Campaign, skip int) error {
	more, err := r.people(skip+6, 35, 2, 4)
	if err != nil || len(more) <= skip {
		return err
	}
	for _, x := range more[skip:] {
		p, err := r.registry.Get(r.ctx, r.by, x.id)
		if err != nil {
			return err
		}
		known, err := r.registry.Reveal(r.ctx, r.by, x.id)
		if err != nil {
			return err
		}
		_, err = r.svc.Refer(r.ctx, r.reviewers[0], c.ID, campaign.ReferInput{Name: p.Name, IDNumber: known.IDNumber, Relation: "技能大师工作室导师",
			Summary: "在本单位技能大师工作室跟随学习三年，独立完成数控加工工艺改进 5 项，去年获全市数控车工职业技能竞赛第二名。",
			Answers: map[string]string{"contest": "上海市数控车工职业技能竞赛第二名", "trade": "数控车工"}})
		if errs.KindOf(err) == errs.Conflict {
			continue // already nominated by their organization
		}
		return err
	}
	return nil
}

// reviewing is the Outstanding Young Job Experts in expert review: the
// first round open, about two thirds of the scores in.
func (r *campaignRun) reviewing() error {
	r.clock.t = r.today.AddDate(0, 0, -40)
	c, err := r.create(campaign.Input{Title: fmt.Sprintf("%d年度上海市杰出青年岗位能手", r.today.Year()), Kind: "job_expert",
		NomineeKind: campaign.NomineePerson, Rules: campaign.Rules{AgeMax: 35}, Winners: 10, Total: 30})
	if err != nil {
		return err
	}
	cands, err := r.people(24, 35, 0, 2)
	if err != nil {
		return err
	}
	for _, x := range cands {
		if _, err := r.toTop(c, x); err != nil {
			return err
		}
	}
	if c, err = r.advance(c, campaign.StageChecking, campaign.StageReviewing); err != nil {
		return err
	}
	_, err = r.review(c, "初评", 15, 0.65, false)
	return err
}

// publicity is the Outstanding Youth Shock Teams on notice since two days
// ago, with an objection being looked into.
func (r *campaignRun) publicity() error {
	r.clock.t = r.today.AddDate(0, 0, -30)
	t, _ := campaign.TemplateOf("shock_team")
	c, err := r.create(campaign.Input{Title: fmt.Sprintf("%d年度上海市优秀青年突击队", r.today.Year()), Kind: t.Kind,
		NomineeKind: t.NomineeKind, Winners: 6, Total: 18})
	if err != nil {
		return err
	}
	units, err := r.units(12, 1)
	if err != nil {
		return err
	}
	for _, x := range units {
		if _, err := r.toTop(c, x); err != nil {
			return err
		}
	}
	if c, err = r.advance(c, campaign.StageChecking, campaign.StageReviewing); err != nil {
		return err
	}
	res, err := r.review(c, "评审", 8, 1, true)
	if err != nil {
		return err
	}
	starts := r.today.AddDate(0, 0, -2)
	r.clock.t = starts.Add(-24 * time.Hour)
	c, ids, err := r.publicize(c, res, starts, 7)
	if err != nil {
		return err
	}
	r.clock.t = r.today.Add(-3 * time.Hour)
	oid, err := r.object(c, ids[1], "该突击队承担的项目节点实际由外包单位完成，申报材料中的青年参与人数存在夸大。")
	if err != nil {
		return err
	}
	_, err = r.svc.DecideObjection(r.ctx, r.by, oid, campaign.Decision{Status: campaign.ObjInvestigating})
	return err
}
