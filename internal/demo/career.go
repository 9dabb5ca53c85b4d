package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/career"
	"qinggong/internal/org"
	"qinggong/internal/person"
	"qinggong/internal/talent"
)

// The demo's career navigation: this year's career plans of some forty
// young workers in each of four districts, two in three with a mentor from
// their own unit, reviewed over the year, milestones met as they fell due;
// recommendations of every talent kind from units to their districts and
// the city, most vetted into the pool, some waiting, some returned, a few
// marked typical; and two logins linked to records, a young worker
// (qingnian) with a plan and their mentor (daoshi). Everything goes
// through the services on the demo's clock.

// careerTargets are plan targets: target position and title.
var careerTargets = [][2]string{{"班组长", ""}, {"技术骨干", "助理工程师"}, {"首席技师", "技师"}, {"工段长", ""}, {"质量工程师", "工程师"}}

// careerMilestones are milestone titles, in the order they fall due.
var careerMilestones = []string{"完成岗位技能培训", "通过职业技能等级鉴定", "参加职工技能竞赛", "完成一项技术革新", "带教一名新徒弟"}

func loadCareer(ctx context.Context, s Services, root *org.Org, seed int64, today time.Time) (plans, recs int, accounts []Account, err error) {
	clock := &demoClock{}
	svc := career.New(s.DB, s.Audit, s.Orgs, s.People, clock.now)
	pool := talent.New(s.DB, s.Audit, s.Orgs, s.People, nil, clock.now)
	by := &auth.Actor{UserID: 0, Login: "demo", Name: "团市委青工部", OrgID: root.ID,
		Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
	rng := rand.New(rand.NewPCG(uint64(seed), 0xCA2EE))
	t := today.In(shanghai)
	yearStart := time.Date(t.Year(), 1, 1, 9, 0, 0, 0, shanghai)
	daysSoFar := int(today.Sub(yearStart).Hours() / 24)
	districts, err := districtsOf(ctx, s, by, root, 4)
	if err != nil {
		return 0, 0, nil, err
	}
	var first *career.Plan
	for _, d := range districts {
		// Every 25th person of the district's first 1,000 (spread over its
		// units), mentored by the next one registered (a colleague).
		ids, err := peopleUnder(ctx, s, d.Path, 1000)
		if err != nil {
			return plans, recs, nil, err
		}
		for i, j := 0, 0; j+1 < len(ids); i, j = i+1, j+25 {
			p, err := s.People.Get(ctx, by, ids[j])
			if err != nil {
				return plans, recs, nil, err
			}
			tg := careerTargets[rng.IntN(len(careerTargets))]
			in := career.Input{PersonID: p.ID, Position: p.Job, SkillLevel: p.SkillLevel, Title: p.Title, TargetPosition: tg[0], TargetTitle: tg[1],
				Starts: yearStart.Format(time.DateOnly), Ends: yearStart.AddDate(0, 12, -1).Format(time.DateOnly)}
			if in.Position == "" {
				in.Position = "一线员工"
			}
			if p.SkillLevel > 1 {
				in.TargetLevel = p.SkillLevel - 1
			}
			for k := range 3 {
				due := yearStart.AddDate(0, 2+4*k, rng.IntN(20))
				in.Milestones = append(in.Milestones, career.MilestoneInput{Title: careerMilestones[(i+k)%len(careerMilestones)], Due: due.Format(time.DateOnly)})
			}
			if i%3 != 2 {
				in.MentorID = ids[j+1]
			}
			clock.t = yearStart.Add(time.Duration(i) * time.Hour)
			pl, err := svc.Create(ctx, by, in)
			if err != nil {
				return plans, recs, nil, fmt.Errorf("demo: career plan: %w", err)
			}
			plans++
			if first == nil && in.MentorID != 0 {
				first = pl
			}
			for _, m := range pl.MilestoneList {
				due, _ := time.ParseInLocation(time.DateOnly, m.Due, shanghai)
				if due.Before(today) && rng.IntN(10) < 7 {
					clock.t = due.Add(-time.Duration(rng.IntN(72)) * time.Hour)
					if _, err := svc.MeetMilestone(ctx, by, m.ID, ""); err != nil {
						return plans, recs, nil, fmt.Errorf("demo: milestone: %w", err)
					}
				}
			}
			// Reviews every few months, up to today; one plan in four was
			// reviewed once early in the year and not since.
			step := 90
			if i%4 == 3 {
				step = 400
			}
			{
				for day := 45 + rng.IntN(30); day < daysSoFar; day += step + rng.IntN(60) {
					clock.t = yearStart.AddDate(0, 0, day)
					if _, err := svc.AddReview(ctx, by, pl.ID, career.ReviewInput{Progress: min(100, day*100/365),
						Comment: "目标明确，按计划推进，建议多参加技能比武和技术交流。"}); err != nil {
						return plans, recs, nil, fmt.Errorf("demo: review: %w", err)
					}
				}
			}
		}
		n, err := loadRecommendations(ctx, s, pool, by, clock, rng, d, today)
		if err != nil {
			return plans, recs, nil, err
		}
		recs += n
	}
	if first != nil {
		if accounts, err = linkCareerLogins(ctx, s, by, first); err != nil {
			return plans, recs, nil, err
		}
	}
	return plans, recs, accounts, nil
}

// loadRecommendations sends one person of each talent kind from the
// district's units (the first to the city), vets most of them.
func loadRecommendations(ctx context.Context, s Services, pool *talent.Service, by *auth.Actor, clock *demoClock, rng *rand.Rand,
	d *org.Org, today time.Time) (int, error) {
	ids, err := peopleUnder(ctx, s, d.Path, 200)
	if err != nil || len(ids) < 150 {
		return 0, err
	}
	made := 0
	for k, kind := range talent.Kinds {
		p, err := s.People.Get(ctx, by, ids[100+k*7])
		if err != nil {
			return made, err
		}
		to := d.ID
		if k == 0 {
			to = d.ParentID // science talent go to the city
		}
		clock.t = today.AddDate(0, 0, -60+k*5)
		r, err := pool.Recommend(ctx, by, talent.Input{PersonID: p.ID, Kind: kind, FromOrgID: p.OrgID, ToOrgID: to,
			Evidence: "近三年在本岗位取得突出业绩，获得市级以上技能竞赛奖项，牵头完成技术革新项目，带教徒弟多名。",
			Moral:    "政治立场坚定，思想品德端正，爱岗敬业，遵纪守法，在青年职工中有良好口碑。"})
		if err != nil {
			return made, fmt.Errorf("demo: recommendation: %w", err)
		}
		made++
		clock.t = clock.t.Add(72 * time.Hour)
		switch x := rng.IntN(20); {
		case x < 3: // waiting
		case x < 5:
			if _, err := pool.Vet(ctx, by, r.ID, talent.VetInput{Note: "事迹材料不够具体，请补充量化业绩后重新举荐。"}); err != nil {
				return made, err
			}
		default:
			if _, err := pool.Vet(ctx, by, r.ID, talent.VetInput{Accept: true, Note: "同意入库"}); err != nil {
				return made, err
			}
			if k == 1 || k == 4 {
				if _, err := pool.MarkTypical(ctx, by, r.ID, true, p.Name+"扎根一线、钻研技术，带动身边青年共同成长，是"+d.ShortName+"青年人才的典型。"); err != nil {
					return made, err
				}
			}
		}
	}
	return made, nil
}

// linkCareerLogins gives the plan's person and their mentor logins of
// their own, so the demo shows the young worker's and the mentor's pages.
func linkCareerLogins(ctx context.Context, s Services, by *auth.Actor, pl *career.Plan) ([]Account, error) {
	var out []Account
	for _, x := range []struct {
		login, role string
		person      int64
		name        string
	}{{"qingnian", "young_worker", pl.PersonID, pl.PersonName}, {"daoshi", "mentor", pl.MentorID, pl.MentorName}} {
		l, err := s.People.LinkLogin(ctx, by, s.Users, x.person, person.LinkInput{Login: x.login})
		if err != nil {
			return nil, fmt.Errorf("demo: login %s: %w", x.login, err)
		}
		out = append(out, Account{Login: l.Login, Name: x.name, Role: x.role, Scope: x.name, Password: l.Password})
	}
	return out, nil
}
