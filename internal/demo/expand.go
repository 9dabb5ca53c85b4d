package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// gen draws every random choice of one load from a single generator, so
// that a seed always gives the same tree.
type gen struct {
	r *rand.Rand
}

func newGen(seed int64) *gen {
	return &gen{r: rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))}
}

// between returns a number in [lo, hi].
func (g *gen) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + g.r.IntN(hi-lo+1)
}

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

// weighted returns an index of weights, each drawn in proportion to its weight.
func (g *gen) weighted(weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// expand fills a name template: {区} and {区短} are the district's full and
// short names, {镇} one of its streets or towns, any other {key} an entry of
// words[key].
func (g *gen) expand(tmpl string, d *district) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		j := strings.IndexByte(tmpl[i:], '}') + i
		b.WriteString(tmpl[:i])
		switch key := tmpl[i+1 : j]; key {
		case "区":
			b.WriteString(d.name)
		case "区短":
			b.WriteString(d.short)
		case "镇":
			b.WriteString(g.pick(d.towns))
		default:
			list, ok := words[key]
			if !ok {
				panic("demo: no words for {" + key + "}")
			}
			b.WriteString(g.pick(list))
		}
		tmpl = tmpl[j+1:]
	}
}

// person is a plausible Chinese full name.
func (g *gen) person() string {
	name := g.pick(surnames)
	for range g.between(1, 2) {
		name += string(givenChars[g.r.IntN(len(givenChars))])
	}
	return name
}

// contact is a contact person with an office or mobile number.
func (g *gen) contact() string {
	if g.r.IntN(3) == 0 {
		return fmt.Sprintf("%s 1%c%d%08d", g.person(), "3589"[g.r.IntN(4)], g.r.IntN(10), g.r.IntN(1e8))
	}
	return fmt.Sprintf("%s 021-%d%07d", g.person(), 5+g.r.IntN(2), g.r.IntN(1e7))
}

// address is a street address in d, on one of roads (d.roads when nil).
func (g *gen) address(d *district, roads []string) string {
	if roads == nil {
		roads = d.roads
	}
	if g.r.IntN(5) == 0 {
		return fmt.Sprintf("%s%s%d弄%d号", d.name, g.pick(roads), g.between(1, 1500), g.between(1, 30))
	}
	return fmt.Sprintf("%s%s%d号", d.name, g.pick(roads), g.between(1, 3000))
}

// date returns a YYYY-MM-DD in the years [y0, y1] and its year. Days stop
// at 28 so that every month is valid.
func (g *gen) date(y0, y1 int) (string, int) {
	y := g.between(y0, y1)
	return fmt.Sprintf("%04d-%02d-%02d", y, g.between(1, 12), g.between(1, 28)), y
}
