package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"qinggong/internal/db"
	"qinggong/internal/skills"
)

// person is a registry row as the bulk needs it.
type person struct {
	id, org int64
	path    string
	name    string
	trade   string
	linked  bool // has a login already
}

// world is the demo's organizations (names by ID) and people (by ID).
type world struct {
	orgNames map[int64]string
	people   []person
}

func loadWorld(ctx context.Context, d *db.DB) (*world, error) {
	w := &world{orgNames: map[int64]string{}}
	rows, err := d.R().QueryContext(ctx, `SELECT id, name FROM orgs`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return nil, err
		}
		w.orgNames[id] = name
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = d.R().QueryContext(ctx, `SELECT id, org_id, org_path, name, trade, user_id IS NOT NULL FROM people ORDER BY id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p person
		if err := rows.Scan(&p.id, &p.org, &p.path, &p.name, &p.trade, &p.linked); err != nil {
			rows.Close()
			return nil, err
		}
		w.people = append(w.people, p)
	}
	rows.Close()
	return w, rows.Err()
}

// ent is one planned entry, compact: ten million of them are held at once.
type ent struct {
	at       int64 // Unix seconds
	issuer   int64
	sourceID int64
	person   int32 // index into world.people
	k        int32 // the entry's number before sorting
	rev      int32 // a correction: the k of the entry it reverses, plus one
	month    int16 // index into gen.months
	credits  int16
	src      uint8 // index into sources
	cat      uint8 // index into categories
	rule     uint8 // index into rules
}

// categories are the course categories and the other sources' own.
var categories = append(append([]string{}, skills.Categories...), skills.SourceAppraisal, skills.SourceCompetition,
	skills.SourceInnovation, skills.SourceMentorship)

func catIndex(c string) uint8 { return uint8(slices.Index(categories, c)) }

var sources = append(append([]string{}, skills.Sources...), skills.SourceCorrection)

func srcIndex(s string) uint8 { return uint8(slices.Index(sources, s)) }

// rules are the seeded rule codes with their credits (a course's own
// credits vary: 0 means "the course says").
var rules = []struct {
	code    string
	credits int
}{
	{"course", 0}, {"appraisal_pass", 10},
	{"competition.enterprise.1", 6}, {"competition.enterprise.2", 4}, {"competition.enterprise.3", 2},
	{"competition.industry.1", 10}, {"competition.industry.2", 8}, {"competition.industry.3", 6},
	{"competition.city.1", 20}, {"competition.city.2", 15}, {"competition.city.3", 10},
	{"innovation.unit", 3}, {"innovation.industry", 6}, {"innovation.city", 12},
	{"mentorship.mentor", 6}, {"mentorship.apprentice", 4}, {"skills_month", 2},
}

func ruleIndex(code string) uint8 {
	for i, r := range rules {
		if r.code == code {
			return uint8(i)
		}
	}
	panic("unknown rule " + code)
}

var shanghai = time.FixedZone("Asia/Shanghai", 8*3600)

// gen plans and writes the entries.
type gen struct {
	w      *world
	rng    *rand.Rand
	by     int64
	now    time.Time
	months []time.Time // first instants of the 48 months, oldest first (Shanghai)
	count  []int       // entries planned per person (corrections included)
	ents   []ent
	chains map[string][]int64
}

func newGen(w *world, seed uint64, by int64, now time.Time) *gen {
	g := &gen{w: w, rng: rand.New(rand.NewPCG(seed, 0x5C13)), by: by, now: now, chains: map[string][]int64{}}
	t := now.In(shanghai)
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, shanghai).AddDate(0, -47, 0)
	for i := range 48 {
		g.months = append(g.months, first.AddDate(0, i, 0))
	}
	return g
}

func (g *gen) chain(path string) []int64 {
	c, ok := g.chains[path]
	if !ok {
		c = db.PathIDs(path)
		g.chains[path] = c
	}
	return c
}

// level is an organization of a person's chain: 0 the city, 1 a district
// or system, 2 a unit, -1 the person's own.
func level(chain []int64, at int) int64 {
	if at < 0 || at >= len(chain) {
		return chain[len(chain)-1]
	}
	return chain[at]
}

// plan decides every entry: how many each person has, when, from what.
func (g *gen) plan(total int, correctionShare float64) {
	n := len(g.w.people)
	corrections := int(float64(total) * correctionShare)
	main := total - corrections
	// A quarter of the people have no entries; the others a log-normal
	// share, made exactly main in all.
	weights := make([]float64, n)
	sum := 0.0
	var active []int
	for i := range weights {
		if g.rng.IntN(4) == 0 {
			continue
		}
		weights[i] = math.Exp(0.7 * g.rng.NormFloat64())
		sum += weights[i]
		active = append(active, i)
	}
	g.count = make([]int, n)
	got := 0
	for _, i := range active {
		g.count[i] = int(float64(main) * weights[i] / sum)
		got += g.count[i]
	}
	for ; got < main; got++ {
		g.count[active[g.rng.IntN(len(active))]]++
	}
	// Months weighted from 1 (four years ago) to 2 (this month, for the
	// part of it already past).
	cum := make([]float64, len(g.months))
	acc := 0.0
	for i, m := range g.months {
		wt := 1 + float64(i)/float64(len(g.months)-1)
		if i == len(g.months)-1 {
			wt *= float64(g.now.Sub(m)) / float64(m.AddDate(0, 1, 0).Sub(m))
		}
		acc += wt
		cum[i] = acc
	}
	g.ents = make([]ent, 0, total)
	for i, c := range g.count {
		p := g.w.people[i]
		ch := g.chain(p.path)
		for range c {
			m := sort.SearchFloat64s(cum, g.rng.Float64()*acc)
			m = min(m, len(g.months)-1)
			start := g.months[m]
			end := start.AddDate(0, 1, 0)
			if end.After(g.now) {
				end = g.now
			}
			e := ent{person: int32(i), month: int16(m), k: int32(len(g.ents))}
			e.at = start.Unix() + g.rng.Int64N(max(1, end.Unix()-start.Unix()))
			g.source(&e, ch, m)
			g.ents = append(g.ents, e)
		}
	}
	// Corrections: entries reversed once, some days after, counted in the
	// reversed entry's month.
	picked := map[int]bool{}
	for len(picked) < corrections && len(picked) < main {
		j := g.rng.IntN(main)
		if picked[j] {
			continue
		}
		picked[j] = true
		o := g.ents[j]
		c := o
		c.k = int32(len(g.ents))
		c.rev = o.k + 1
		c.credits = -o.credits
		c.src = srcIndex(skills.SourceCorrection)
		c.sourceID = 0 // set to the reversed entry's ID when written
		c.at = min(o.at+int64(1+g.rng.IntN(90))*86400, g.now.Unix()-60)
		if c.at <= o.at {
			c.at = o.at + 1
		}
		g.ents = append(g.ents, c)
		g.count[o.person]++
	}
	slices.SortStableFunc(g.ents, func(a, b ent) int {
		switch {
		case a.at < b.at:
			return -1
		case a.at > b.at:
			return 1
		}
		return int(a.k - b.k)
	})
}

// source draws an entry's source, rule, category, credits and issuer.
func (g *gen) source(e *ent, ch []int64, month int) {
	r := g.rng.IntN(100)
	// Source IDs grow with time, as the IDs of courses and the rest do.
	sid := func(perMonth int) int64 { return int64(1 + month*perMonth + g.rng.IntN(perMonth)) }
	switch {
	case r < 70:
		e.src, e.rule = srcIndex(skills.SourceCourse), ruleIndex("course")
		e.cat = uint8(g.rng.IntN(len(skills.Categories)))
		e.credits = int16(1 + g.rng.IntN(8))
		switch l := g.rng.IntN(100); {
		case l < 1:
			e.issuer = level(ch, 0)
		case l < 16:
			e.issuer = level(ch, 1)
		case l < 50:
			e.issuer = level(ch, 2)
		default:
			e.issuer = level(ch, -1)
		}
		e.sourceID = sid(4000)
	case r < 80:
		e.src, e.rule, e.cat = srcIndex(skills.SourceSkillsMonth), ruleIndex("skills_month"), catIndex("other")
		e.issuer = level(ch, 1)
		e.sourceID = int64(month + 1)
	case r < 85:
		e.src, e.rule, e.cat = srcIndex(skills.SourceAppraisal), ruleIndex("appraisal_pass"), catIndex(skills.SourceAppraisal)
		e.issuer = level(ch, g.rng.IntN(2))
		e.sourceID = sid(200)
	case r < 90:
		lv, at := "enterprise", 2
		if x := g.rng.IntN(10); x < 1 {
			lv, at = "city", 0
		} else if x < 4 {
			lv, at = "industry", 1
		}
		e.src, e.cat = srcIndex(skills.SourceCompetition), catIndex(skills.SourceCompetition)
		e.rule = ruleIndex(fmt.Sprintf("competition.%s.%d", lv, 1+g.rng.IntN(3)))
		e.issuer = level(ch, at)
		e.sourceID = sid(100)
	case r < 94:
		lv, at := "unit", 2
		if x := g.rng.IntN(10); x < 1 {
			lv, at = "city", 0
		} else if x < 4 {
			lv, at = "industry", 1
		}
		e.src, e.cat, e.rule = srcIndex(skills.SourceInnovation), catIndex(skills.SourceInnovation), ruleIndex("innovation."+lv)
		e.issuer = level(ch, at)
		e.sourceID = sid(300)
	default:
		side := "apprentice"
		if g.rng.IntN(10) < 3 {
			side = "mentor"
		}
		e.src, e.cat, e.rule = srcIndex(skills.SourceMentorship), catIndex(skills.SourceMentorship), ruleIndex("mentorship."+side)
		e.issuer = level(ch, 2)
		e.sourceID = sid(1000)
	}
	if rl := rules[e.rule]; rl.credits > 0 {
		e.credits = int16(rl.credits)
	}
}

// stats are what the bulk wrote.
type stats struct{ entries, corrections int }

var entryCols = []string{"id", "person_id", "org_id", "org_path", "issuer_id", "category", "credits", "source", "source_id", "rule",
	"reverses", "reason", "expires", "year", "month", "issued_by", "at"}

var reasons = []string{"成绩录入有误，予以冲正", "重复登记，冲正一条", "学员未完成全部课时", "经复核不符合计分条件"}

// load writes the planned entries in order, batch per transaction.
func (g *gen) load(ctx context.Context, d *db.DB, batch int, trade bool) (stats, error) {
	var st stats
	cols := entryCols
	if trade {
		cols = append(cols[:len(cols):len(cols)], "trade")
	}
	idOf := make([]int64, len(g.ents)) // by k
	monthNames := make([]string, len(g.months))
	for i, m := range g.months {
		monthNames[i] = m.Format("2006-01")
	}
	for start := 0; start < len(g.ents); start += batch {
		part := g.ents[start:min(start+batch, len(g.ents))]
		err := d.InTx(ctx, func(tx *db.Tx) error {
			ids, err := db.NextIDs(ctx, tx, "credit_entries", len(part))
			if err != nil {
				return err
			}
			rows := make([][]any, len(part))
			for i, e := range part {
				p := g.w.people[e.person]
				at := time.Unix(e.at, 0).UTC()
				idOf[e.k] = ids[i]
				var reverses int64
				reason, expires := "", ""
				sourceID := e.sourceID
				if e.rev > 0 {
					reverses = idOf[e.rev-1]
					if reverses == 0 {
						return fmt.Errorf("correction before the entry it reverses")
					}
					sourceID = reverses
					reason = reasons[int(e.k)%len(reasons)]
					st.corrections++
				} else {
					expires = at.In(shanghai).AddDate(4, 0, 0).Format(time.DateOnly)
				}
				m := g.months[e.month]
				rows[i] = []any{ids[i], p.id, p.org, p.path, e.issuer, categories[e.cat], int64(e.credits), sources[e.src], sourceID,
					rules[e.rule].code, reverses, reason, expires, int64(m.Year()), monthNames[e.month], g.by, at}
				if trade {
					rows[i] = append(rows[i], p.trade)
				}
			}
			if err := db.CopyRows(ctx, tx, "credit_entries", cols, rows); err != nil {
				return err
			}
			st.entries += len(rows)
			return nil
		})
		if err != nil {
			return st, err
		}
	}
	return st, nil
}

// pick is the person with the most entries, a typical one (the median
// count among those with any) and the one without a login with the most.
func (g *gen) pick() (heavy, typical, mine int) {
	var with []int
	mine = -1
	for i, c := range g.count {
		if c > g.count[heavy] {
			heavy = i
		}
		if c > 0 {
			with = append(with, c)
		}
		if !g.w.people[i].linked && (mine < 0 || c > g.count[mine]) {
			mine = i
		}
	}
	slices.Sort(with)
	median := 0
	if len(with) > 0 {
		median = with[len(with)/2]
	}
	for i, c := range g.count {
		if c == median {
			typical = i
			break
		}
	}
	return heavy, typical, max(mine, 0)
}

// district is the child of the root with the most people.
type district struct {
	id     int64
	name   string
	people int
}

func biggestDistrict(ctx context.Context, d *db.DB) (district, error) {
	var out district
	rows, err := d.R().QueryContext(ctx, `SELECT o.id, o.name, o.path FROM orgs o JOIN orgs r ON o.parent_id = r.id
		WHERE (r.parent_id IS NULL OR r.parent_id = 0) AND o.status = 'active'`)
	if err != nil {
		return out, err
	}
	var ds []district
	var paths []string
	for rows.Next() {
		var x district
		var p string
		if err := rows.Scan(&x.id, &x.name, &p); err != nil {
			rows.Close()
			return out, err
		}
		ds = append(ds, x)
		paths = append(paths, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	for i := range ds {
		if err := d.R().QueryRowContext(ctx, `SELECT count(*) FROM people WHERE org_path >= $1 AND org_path < $2`,
			paths[i], db.PathUpper(paths[i])).Scan(&ds[i].people); err != nil {
			return out, err
		}
		if ds[i].people > out.people {
			out = ds[i]
		}
	}
	if out.id == 0 {
		return out, fmt.Errorf("no district with people")
	}
	return out, nil
}
