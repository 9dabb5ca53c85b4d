package demo

import (
	"context"
	"fmt"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/org"
	"qinggong/internal/person"
)

// people is how many people a scale registers unless Options say otherwise.
func (s Scale) people() int {
	if s == City {
		return 1_000_000
	}
	return 20_000
}

// bulkChunk is how many people one Bulk call receives: large enough that
// each call looks up few organizations per person (people come grouped by
// organization), small enough to keep memory bounded at city scale.
const bulkChunk = 10_000

// slot is an organization people are registered in, and how many.
type slot struct {
	node, people int // node indexes t.nodes
}

// loadPeople registers total people over the tree's units and branches
// through Bulk, as an administrator of the whole tree, and returns how many
// were created.
func loadPeople(ctx context.Context, people *person.Service, root *org.Org, t *tree, opt Options, total int) (int, error) {
	today := opt.Today
	if today.IsZero() {
		today = time.Now()
	}
	g := newPersonGen(opt.Seed, today)
	slots := t.allocate(g.gen, total)
	// User 0, as for the accounts: the load acts for no account of its own.
	by := &auth.Actor{UserID: 0, Login: "demo", OrgID: root.ID,
		Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
	buf := make([]person.Input, 0, bulkChunk)
	created := 0
	flush := func() error {
		first := created + 1
		n, _, err := people.Bulk(ctx, by, buf)
		created += n
		if err != nil {
			return fmt.Errorf("demo: people %d…%d: %w", first, first+len(buf)-1, err)
		}
		buf = buf[:0]
		return nil
	}
	for _, s := range slots {
		n := &t.nodes[s.node]
		u := &t.nodes[n.unit]
		for range s.people {
			buf = append(buf, g.next(n.id, u))
			if len(buf) == bulkChunk {
				if err := flush(); err != nil {
					return created, err
				}
			}
		}
	}
	if len(buf) > 0 {
		if err := flush(); err != nil {
			return created, err
		}
	}
	return created, nil
}

// allocate spreads total people over the unit committees and branches
// (never the root, the line committees or general branches), in tree
// order. Each unit draws a heavy-tailed size on top of its type's
// headcount, so that a few units are many times the median; a unit keeps
// about a sixth of its people on its own roll and spreads the rest over its
// branches unevenly. The counts add up to total exactly.
func (t *tree) allocate(g *gen, total int) []slot {
	unitWeight := map[int]int64{}        // by unit index: the unit's share of everyone
	branchSum := map[int]int64{}         // by unit index: the sum of its branches' local weights
	local := make([]int64, len(t.nodes)) // a branch's weight within its unit
	for i := range t.nodes {
		n := &t.nodes[i]
		switch n.level {
		case org.LevelUnit:
			// P(size ≥ k) ≈ 1/k, capped: the median unit is 2, one in ten 10 or more.
			size := min(40, 1000/(1+g.r.IntN(1000)))
			unitWeight[i] = int64(unitPeople[n.unitType] * size * g.between(80, 120))
		case org.LevelBranch:
			local[i] = int64(g.between(1, 6))
			branchSum[n.unit] += local[i]
		}
	}
	weights := make([]int64, len(t.nodes))
	var sum int64
	for i := range t.nodes {
		n := &t.nodes[i]
		switch n.level {
		case org.LevelUnit:
			if branchSum[i] == 0 {
				weights[i] = unitWeight[i] * 100
			} else {
				weights[i] = unitWeight[i] * 16
			}
		case org.LevelBranch:
			weights[i] = unitWeight[n.unit] * 84 * local[i] / branchSum[n.unit]
		}
		sum += weights[i]
	}
	if sum == 0 {
		return nil
	}
	// The i-th organization gets the people between the running shares
	// floor(total·C(i-1)/sum) and floor(total·C(i)/sum).
	var out []slot
	var cum int64
	given := 0
	for i, w := range weights {
		if w == 0 {
			continue
		}
		cum += w
		upto := int(int64(total) * cum / sum)
		if upto > given {
			out = append(out, slot{node: i, people: upto - given})
			given = upto
		}
	}
	return out
}
