package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/cadre"
	"qinggong/internal/db"
	"qinggong/internal/org"
)

// concurrentPosts are the posts part-time cadres hold beside league work,
// with the relevance the document's first check would give them: posts in
// party, union or personnel work are close to league work; line posts less
// so; purely technical ones least.
var concurrentPosts = []struct {
	post, relevance string
}{
	{"党务专员", cadre.High}, {"工会干事", cadre.High}, {"人力资源专员", cadre.High}, {"团青工作专员", cadre.High},
	{"车间主任", cadre.Medium}, {"班组长", cadre.Medium}, {"行政主管", cadre.Medium}, {"项目经理", cadre.Medium},
	{"技术员", cadre.Low}, {"质检员", cadre.Low}, {"销售代表", cadre.Low},
}

// loadCadres appoints league cadres among the registered people: a
// secretary in unit, general-branch and branch committees, a deputy in
// about half, until want posts; most are part-time, as in enterprises.
func loadCadres(ctx context.Context, d *db.DB, cadres *cadre.Service, root *org.Org, seed int64, today time.Time, want int) (int, error) {
	rows, err := d.R().QueryContext(ctx, `SELECT p.id, p.org_id FROM people p JOIN orgs o ON o.id = p.org_id
		WHERE o.level IN ($1, $2, $3) AND p.status = 'active' ORDER BY p.org_id, p.id`, org.LevelUnit, org.LevelGeneralBranch, org.LevelBranch)
	if err != nil {
		return 0, err
	}
	r := rand.New(rand.NewPCG(uint64(seed), 0xCAD2E))
	var in []cadre.Input
	var lastOrg int64
	taken := 0
	for rows.Next() && len(in) < want {
		var pid, oid int64
		if err := rows.Scan(&pid, &oid); err != nil {
			rows.Close()
			return 0, err
		}
		if oid != lastOrg {
			lastOrg, taken = oid, 0
		}
		post := cadre.Secretary
		switch {
		case taken == 1 && r.IntN(2) == 0:
			post = cadre.Deputy
		case taken >= 1:
			taken++
			continue
		}
		taken++
		in = append(in, cadreInput(r, today, pid, oid, post))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	by := &auth.Actor{UserID: 0, Login: "demo", OrgID: root.ID,
		Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
	n, err := cadres.Bulk(ctx, by, in)
	if err != nil {
		return n, fmt.Errorf("demo: cadres: %w", err)
	}
	return n, nil
}

// cadreInput is one plausible post: terms of five years begun in the last
// four, so a few are due for a change of term (换届).
func cadreInput(r *rand.Rand, today time.Time, personID, orgID int64, post string) cadre.Input {
	start := today.AddDate(0, 0, -r.IntN(4*365)-30)
	in := cadre.Input{PersonID: personID, OrgID: orgID, Post: post, Basis: cadre.FullTime,
		TermStart: start.Format(time.DateOnly), TermEnd: start.AddDate(5, 0, 0).Format(time.DateOnly)}
	if r.IntN(100) < 85 {
		cp := concurrentPosts[r.IntN(len(concurrentPosts))]
		in.Basis, in.Concurrent, in.Relevance = cadre.PartTime, cp.post, cp.relevance
		in.Prospects, in.Hours = cadre.Yes, 2+r.IntN(9)
		if r.IntN(5) == 0 {
			in.Prospects, in.ProspectsNote = cadre.No, "岗位发展空间有限"
		}
	}
	if r.IntN(3) == 0 {
		in.CoManagement = "已报同级党组织备案，实行党团协管"
	}
	return in
}
