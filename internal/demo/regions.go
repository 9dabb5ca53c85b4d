package demo

import (
	"context"
	"fmt"
	"slices"

	"qinggong/internal/auth"
	"qinggong/internal/org"
)

// regionSpec is one region (区域化) the root runs: unit committees of
// several lines that sit in the same area.
type regionSpec struct {
	name, description string
	district          string
	roads             []string // the area's roads, for its members' addresses
}

var regionSpecs = []regionSpec{
	{"陆家嘴金融城", "陆家嘴地区金融、航运和总部企业的区域化团建联盟，条块结合、资源共享", "pudong",
		[]string{"陆家嘴环路", "世纪大道", "银城中路", "东方路", "花园石桥路", "陆家嘴西路"}},
	{"张江科学城", "张江地区科技企业、研发机构和园区单位的区域化团建联盟", "pudong",
		[]string{"张江路", "碧波路", "祖冲之路", "科苑路", "郭守敬路", "亮秀路", "晨晖路"}},
	{"虹桥国际中央商务区", "虹桥商务区内企业、交通枢纽单位和机关的区域化团建联盟", "minhang",
		[]string{"申长路", "申滨南路", "申虹路", "甬虹路", "苏虹路", "申昆路"}},
	{"临港新片区", "临港新片区先进制造、航运和新设企业的区域化团建联盟", "pudong",
		[]string{"环湖西一路", "临港大道", "水华路", "海港大道", "申港大道", "云鹃路"}},
}

// chooseMembers picks each region's members among the unit committees
// located in its district, taking the lines in turn so that every region
// mixes the district committee's units with those of the system lines
// (条块结合). No unit joins two regions. The members' addresses move onto the
// area's roads, so that the data agrees with itself.
func (t *tree) chooseMembers() [][]int {
	taken := map[int]bool{}
	out := make([][]int, len(regionSpecs))
	for ri, spec := range regionSpecs {
		byLine := map[int][]int{}
		var lineOrder []int
		for i := range t.nodes {
			n := &t.nodes[i]
			if n.level != org.LevelUnit || n.district != spec.district || taken[i] {
				continue
			}
			if _, ok := byLine[n.line]; !ok {
				lineOrder = append(lineOrder, n.line)
			}
			byLine[n.line] = append(byLine[n.line], i)
		}
		t.r.Shuffle(len(lineOrder), func(i, j int) { lineOrder[i], lineOrder[j] = lineOrder[j], lineOrder[i] })
		for _, l := range lineOrder {
			c := byLine[l]
			t.r.Shuffle(len(c), func(i, j int) { c[i], c[j] = c[j], c[i] })
		}
		want := t.between(10, 14)
		if t.city {
			want = t.between(20, 40)
		}
		// Each round takes three units of the district committee (the 块
		// holds most of an area's units) and one of every system line.
		var members []int
		next := map[int]int{}
		for len(members) < want {
			added := false
			for _, l := range lineOrder {
				quota := 1
				if t.lines[l].level == org.LevelDistrict {
					quota = 3
				}
				for c := byLine[l]; quota > 0 && next[l] < len(c) && len(members) < want; quota-- {
					members = append(members, c[next[l]])
					next[l]++
					added = true
				}
			}
			if !added {
				break
			}
		}
		d := &districts[districtIndex(spec.district)]
		for _, u := range members {
			taken[u] = true
			addr := t.address(d, spec.roads)
			for j := u; j < t.nodes[u].end; j++ {
				if t.nodes[j].unit == u {
					t.nodes[j].address = addr
				}
			}
		}
		slices.Sort(members)
		out[ri] = members
	}
	return out
}

// createRegions creates the regions owned by the root through the org
// service (each creation and membership audited) and returns their IDs.
func createRegions(ctx context.Context, orgs *org.Service, root *org.Org, t *tree, members [][]int) ([]int64, error) {
	by := &auth.Actor{Login: "demo", Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
	ids := make([]int64, len(regionSpecs))
	for i, spec := range regionSpecs {
		r, err := orgs.CreateRegion(ctx, by, org.RegionInput{OrgID: root.ID, Name: spec.name, Description: spec.description})
		if err != nil {
			return nil, fmt.Errorf("demo: region %s: %w", spec.name, err)
		}
		for _, m := range members[i] {
			if err := orgs.AddMember(ctx, by, r.ID, t.nodes[m].id); err != nil {
				return nil, fmt.Errorf("demo: region %s member %s: %w", spec.name, t.nodes[m].code, err)
			}
		}
		ids[i] = r.ID
	}
	return ids, nil
}
