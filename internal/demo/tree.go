package demo

import (
	"fmt"
	"strconv"
	"strings"

	"qinggong/internal/org"
)

// node is one organization to insert, with its ID and path already known.
type node struct {
	id, parentID  int64
	path          string
	depth         int
	name, short   string
	code, level   string
	unitType      string
	district      string
	address       string
	contact       string
	established   string
	year          int // of established, for the children's dates
	line          int // index of the committee under the root
	unit          int // index of the nearest unit at or above, -1 above the units
	end           int // units: index after the last node of the subtree
	childrenNames map[string]bool
}

// shape bounds a unit's departments: general branches, branches in each
// general branch, and branches directly under the unit.
type shape struct{ gbs, perGB, direct [2]int }

// shapes by unit type, [small, city]: city-scale units are larger, as the
// real ones are; small-scale ones stay small so that a 2,000-organization
// tree still has a few hundred units to browse.
var shapes = map[string][2]shape{
	"soe":         {{[2]int{0, 2}, [2]int{2, 3}, [2]int{1, 3}}, {[2]int{2, 7}, [2]int{2, 7}, [2]int{0, 4}}},
	"private":     {{[2]int{0, 0}, [2]int{0, 0}, [2]int{1, 3}}, {[2]int{0, 1}, [2]int{2, 4}, [2]int{1, 5}}},
	"foreign":     {{[2]int{0, 0}, [2]int{0, 0}, [2]int{1, 3}}, {[2]int{0, 2}, [2]int{2, 4}, [2]int{1, 4}}},
	"bureau":      {{[2]int{0, 1}, [2]int{2, 3}, [2]int{1, 2}}, {[2]int{1, 3}, [2]int{2, 5}, [2]int{1, 3}}},
	"institution": {{[2]int{0, 1}, [2]int{2, 3}, [2]int{1, 3}}, {[2]int{1, 4}, [2]int{2, 6}, [2]int{0, 3}}},
	"social":      {{[2]int{0, 0}, [2]int{0, 0}, [2]int{1, 2}}, {[2]int{0, 0}, [2]int{0, 0}, [2]int{1, 3}}},
}

// unitYears bounds when a unit committee was founded, by unit type.
var unitYears = map[string][2]int{
	"soe": {1952, 2015}, "private": {1996, 2023}, "foreign": {1992, 2022},
	"bureau": {1955, 2012}, "institution": {1952, 2016}, "social": {2003, 2023},
}

// lastYear is the latest founding year: every date stays in the past.
const lastYear = 2024

// tree builds the organizations of one load in memory, in creation order:
// a parent always comes before its children.
type tree struct {
	*gen
	city   bool
	lines  []line
	nodes  []node
	nextID int64
	root   *org.Org
	left   int             // organizations still to create under the current committee
	used   map[string]bool // unit committee names, unique across the tree
}

// build makes target organizations in all, the root included.
func build(g *gen, root *org.Org, firstID int64, target int, city bool) *tree {
	t := &tree{gen: g, city: city, lines: lines(), nodes: make([]node, 0, target), nextID: firstID, root: root, used: map[string]bool{}}
	weights := make([]int, len(t.lines))
	for i, l := range t.lines {
		weights[i] = l.weight
	}
	budgets := split(target-1-len(t.lines), weights)
	tops := make([]int, len(t.lines))
	nd, ns := 0, 0
	for i, l := range t.lines {
		var code string
		if l.level == org.LevelDistrict {
			nd++
			code = fmt.Sprintf("SH-D%02d", nd)
		} else {
			ns++
			code = fmt.Sprintf("SH-S%02d", ns)
		}
		d := &districts[districtIndex(l.district)]
		est, year := t.date(l.est[0], l.est[1])
		tops[i] = t.add(-1, node{name: l.name, short: l.short, code: code, level: l.level, district: l.district,
			address: t.address(d, nil), contact: t.contact(), established: est, year: year, line: i, unit: -1})
	}
	// Each committee's subtree spends its own budget (the committees above
	// were counted out of the total already).
	for i := range t.lines {
		t.left = budgets[i]
		for seq := 1; t.left > 0; seq++ {
			t.addUnit(tops[i], i, fmt.Sprintf("%s-U%04d", t.nodes[tops[i]].code, seq), nil)
		}
	}
	return t
}

// add appends n under the node at parent (-1: under the root) and returns its index.
func (t *tree) add(parent int, n node) int {
	n.id = t.nextID
	t.nextID++
	if parent < 0 {
		n.parentID, n.path, n.depth = t.root.ID, t.root.Path, t.root.Depth
	} else {
		p := &t.nodes[parent]
		n.parentID, n.path, n.depth = p.id, p.path, p.depth
		if p.childrenNames == nil {
			p.childrenNames = map[string]bool{}
		}
		p.childrenNames[n.name] = true
	}
	n.path += strconv.FormatInt(n.id, 10) + "/"
	n.depth++
	t.nodes = append(t.nodes, n)
	t.left--
	return len(t.nodes) - 1
}

// addUnit adds a unit committee with its departments. A unit directly
// under a line committee (k nil: its kind is drawn here) may be a group
// company holding branch units of the same kind (k given).
func (t *tree) addUnit(parent, li int, code string, k *unitKind) {
	l := &t.lines[li]
	top := k == nil
	if top {
		kw := make([]int, len(l.kinds))
		for i, k := range l.kinds {
			kw[i] = k.weight
		}
		k = &l.kinds[t.weighted(kw)]
	}
	dk := l.district
	switch {
	case !top && t.r.IntN(2) == 0:
		dk = t.nodes[parent].district // a branch in the group's own district
	case l.locate != nil:
		dk = t.pick(l.locate)
	}
	d := &districts[districtIndex(dk)]
	ys := unitYears[k.unitType]
	est, year := t.date(ys[0], ys[1])
	var name string
	if top {
		name = t.unitName(k, d)
	} else {
		name = t.branchOf(strings.TrimSuffix(t.nodes[parent].name, "团委"), d)
	}
	u := t.add(parent, node{name: name + "团委", code: code, level: org.LevelUnit, unitType: k.unitType,
		district: dk, address: t.address(d, nil), contact: t.contact(), established: est, year: year, line: li})
	t.nodes[u].unit = u
	sec := sectors[t.pick(k.sectors)]
	sh := shapes[k.unitType][0]
	if t.city {
		sh = shapes[k.unitType][1]
	}
	if top && !isBranch(name) && t.r.IntN(100) < l.groups {
		n := t.between(1, 2)
		if t.city {
			n = t.between(2, 4)
		}
		for i := 1; i <= n && t.left > 0; i++ {
			t.addUnit(u, li, fmt.Sprintf("%s-U%02d", code, i), k)
		}
	}
	for i, n := 1, t.between(sh.gbs[0], sh.gbs[1]); i <= n && t.left > 0; i++ {
		gb := t.addDept(u, u, sec.gbs, "团总支", org.LevelGeneralBranch, fmt.Sprintf("%s-G%02d", code, i), d)
		for j, m := 1, t.between(sh.perGB[0], sh.perGB[1]); j <= m && t.left > 0; j++ {
			t.addDept(gb, u, sec.branches, "团支部", org.LevelBranch, fmt.Sprintf("%s-B%02d", t.nodes[gb].code, j), d)
		}
	}
	for i, n := 1, t.between(sh.direct[0], sh.direct[1]); i <= n && t.left > 0; i++ {
		t.addDept(u, u, sec.branches, "团支部", org.LevelBranch, fmt.Sprintf("%s-B%02d", code, i), d)
	}
	t.nodes[u].end = len(t.nodes)
}

// addDept adds a general branch or branch of unit u under parent, named
// from pool and unique among its siblings.
func (t *tree) addDept(parent, u int, pool []string, suffix, level, code string, d *district) int {
	p := &t.nodes[parent]
	var name string
	for range 4 {
		if len(pool) == 0 {
			break
		}
		if c := t.expand(t.pick(pool), d) + suffix; !p.childrenNames[c] {
			name = c
			break
		}
	}
	for i := 1; name == "" || p.childrenNames[name]; i++ {
		name = "第" + ordinal(i) + suffix
	}
	uo := &t.nodes[u]
	est, year := t.date(max(uo.year, p.year), lastYear)
	return t.add(parent, node{name: name, code: code, level: level, unitType: uo.unitType, district: uo.district,
		address: uo.address, contact: t.contact(), established: est, year: year, line: uo.line, unit: u})
}

// unitName draws an enterprise name of kind k in d, unique across the tree;
// once the templates run dry it names a branch of one of them.
func (t *tree) unitName(k *unitKind, d *district) string {
	for range 30 {
		if n := t.expand(t.pick(k.templates), d); !t.used[n] {
			t.used[n] = true
			return n
		}
	}
	return t.branchOf(t.expand(t.pick(k.templates), d), d)
}

// branchOf names a branch of the organization base located in d (a branch
// company, a hospital's branch, a school's campus…), unique across the tree.
func (t *tree) branchOf(base string, d *district) string {
	kind := "分部"
	switch {
	case strings.HasSuffix(base, "公司"):
		kind = "分公司"
	case strings.HasSuffix(base, "院"):
		kind = "分院"
	case strings.HasSuffix(base, "中心"):
		kind = "分中心"
	case strings.HasSuffix(base, "学"), strings.HasSuffix(base, "学校"), strings.HasSuffix(base, "学院"), strings.HasSuffix(base, "二中"):
		kind = "校区"
	case strings.HasSuffix(base, "厂"):
		kind = "分厂"
	}
	for i := 0; ; i++ {
		var n string
		switch {
		case i == 0 && kind != "分厂" && !strings.Contains(base, d.short):
			n = base + d.short + kind
		case i < 8 && kind != "分厂":
			n = base + t.pick(d.towns) + kind
		default:
			n = base + "第" + ordinal(1+i%99) + kind
		}
		if !t.used[n] {
			t.used[n] = true
			return n
		}
	}
}

// isBranch reports whether name already names a branch (see branchOf).
func isBranch(name string) bool {
	for _, s := range []string{"分公司", "分院", "分中心", "校区", "分厂", "分部"} {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// split divides total in proportion to weights (largest remainder), so
// that the parts add up to total exactly.
func split(total int, weights []int) []int {
	sum := 0
	for _, w := range weights {
		sum += w
	}
	out := make([]int, len(weights))
	rem := make([]int, len(weights))
	given := 0
	for i, w := range weights {
		out[i] = total * w / sum
		rem[i] = total * w % sum
		given += out[i]
	}
	for given < total {
		best := 0
		for i := range rem {
			if rem[i] > rem[best] {
				best = i
			}
		}
		out[best]++
		rem[best] = -1
		given++
	}
	return out
}
