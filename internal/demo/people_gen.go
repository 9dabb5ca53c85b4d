package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/person"
	"qinggong/internal/pii"
)

var shanghai = time.FixedZone("Asia/Shanghai", 8*3600)

// industrialTrades are person.Trades without the service trades, for
// state-owned and foreign enterprises.
var industrialTrades = slices.DeleteFunc(slices.Clone(person.Trades), func(t string) bool {
	return slices.Contains(serviceTrades, t)
})

// table draws words in proportion to their weights.
type table struct {
	words []weightedWord
	total int
}

func newTable(list []weightedWord) table {
	t := table{words: list}
	for _, w := range list {
		t.total += w.weight
	}
	return t
}

// draw returns the index of a word of t.
func (t *table) draw(r *rand.Rand) int {
	n := r.IntN(t.total)
	for i, w := range t.words {
		if n < w.weight {
			return i
		}
		n -= w.weight
	}
	return len(t.words) - 1
}

func (t *table) word(r *rand.Rand) string { return t.words[t.draw(r)].word }

// personGen draws demo people. It has a random stream of its own, so that a
// seed's tree is the same whether or not people are loaded.
type personGen struct {
	*gen
	today time.Time // midnight, Asia/Shanghai
	// issued counts the ID numbers handed out per region, birth date and
	// gender (see idNumber): the sequence digits make each one unique.
	issued   map[uint32]uint16
	phones   int // mobile numbers handed out
	phoneOff int
	// regions are Shanghai's codes, then the other provinces'.
	regions             []string
	local, away, family table
	educations, titles  table
	ethnicities         table
}

func newPersonGen(seed int64, today time.Time) *personGen {
	d := today.In(shanghai)
	g := &personGen{
		gen:    &gen{r: rand.New(rand.NewPCG(uint64(seed), 0x6a09e667f3bcc909))},
		today:  time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, shanghai),
		issued: map[uint32]uint16{},
		local:  newTable(shanghaiRegions), away: newTable(otherRegions), family: newTable(familyNames),
		educations: newTable(educationWeights), titles: newTable(titles), ethnicities: newTable(ethnicities),
	}
	for _, w := range append(append([]weightedWord{}, shanghaiRegions...), otherRegions...) {
		g.regions = append(g.regions, w.word)
	}
	g.phoneOff = g.r.IntN(1e8)
	return g
}

// next draws one person of the organization with the given ID, whose
// nearest unit committee is u.
func (g *personGen) next(orgID int64, u *node) person.Input {
	r := g.r
	male := r.IntN(100) < 55
	age := 18 + r.IntN(10) + r.IntN(9) // 18…35, most in their mid-twenties
	if r.IntN(10) == 0 {
		age = 36 + r.IntN(5)
	}
	migrant := r.IntN(100) < 25
	region := g.region(!migrant && r.IntN(100) >= 6) // a few locals were born elsewhere
	birth := g.today.AddDate(-age, 0, -r.IntN(365))
	id, birth := g.idNumber(region, birth, male)
	in := person.Input{
		Name:      g.name(),
		IDNumber:  id,
		Gender:    person.Female,
		BirthDate: birth.Format(time.DateOnly),
		OrgID:     orgID,
		Ethnicity: g.ethnicities.word(r),
		Education: g.educations.word(r),
		Status:    person.Active,
	}
	if male {
		in.Gender = person.Male
	}
	if r.IntN(100) < 85 {
		in.Phone = g.phone()
	}
	g.political(&in, age, birth)
	g.work(&in, u, age, birth)
	if migrant {
		in.Tags = append(in.Tags, person.TagMigrant)
	}
	if r.IntN(100) < 8 {
		in.Tags = append(in.Tags, person.TagBuilder)
	}
	if r.IntN(100) < 5 {
		in.Tags = append(in.Tags, g.pick(freeTags))
	}
	if r.IntN(100) < 3 {
		in.Status = person.Left
	}
	return in
}

// region draws the index of an ID region code (in g.regions): Shanghai's
// or another province's.
func (g *personGen) region(local bool) int {
	if local {
		return g.local.draw(g.r)
	}
	return len(shanghaiRegions) + g.away.draw(g.r)
}

// name is a surname and a given name of one or two characters.
func (g *personGen) name() string {
	var b strings.Builder
	b.WriteString(g.family.word(g.r))
	for range 1 + min(1, g.r.IntN(10)/3) { // two characters seven times in ten
		b.WriteRune(givenNameChars[g.r.IntN(len(givenNameChars))])
	}
	return b.String()
}

// idNumber builds a GB 11643 number: region, birth date, a sequence number
// (odd for men) and the check character. The n-th number issued for a
// region, date and gender takes the n-th of its 499 sequence numbers,
// counted from a start that the key scatters, so no number repeats and the
// digits look drawn; should a day run out of them, the birth date moves a
// day earlier.
func (g *personGen) idNumber(region int, birth time.Time, male bool) (string, time.Time) {
	epoch := time.Date(1900, 1, 1, 0, 0, 0, 0, shanghai)
	for {
		key := uint32(region)<<20 | uint32(birth.Sub(epoch)/(24*time.Hour))<<1
		first := 2
		if male {
			key |= 1
			first = 1
		}
		n := g.issued[key]
		if n < 499 {
			g.issued[key] = n + 1
			i := (int(key*2654435761>>7) + int(n)) % 499
			first17 := g.regions[region] + birth.Format("20060102") + fmt.Sprintf("%03d", first+2*i)
			return first17 + string(pii.CheckChar(first17)), birth
		}
		birth = birth.AddDate(0, 0, -1)
	}
}

// phone is a mobile number whose last eight digits never repeat: the
// count of numbers handed out, scrambled by a multiplier prime to 10⁸.
func (g *personGen) phone() string {
	g.phones++
	return fmt.Sprintf("%s%08d", phonePrefixes[g.r.IntN(len(phonePrefixes))], (g.phones*48271+g.phoneOff)%100_000_000)
}

// political draws the political status. Up to 28 most are league
// members; older former members have mostly been recorded as aged out.
func (g *personGen) political(in *person.Input, age int, birth time.Time) {
	r := g.r
	switch x := r.IntN(100); {
	case x < 12:
		in.Political = person.Party
		if r.IntN(5) > 0 {
			in.LeagueJoined = g.joined(birth, age)
		}
	case x < 67:
		in.Political = person.League
		in.LeagueJoined = g.joined(birth, age)
		if age > person.LeagueAgeLimit {
			if r.IntN(10) < 6 {
				in.Status = person.AgedOut
			} else {
				in.Political, in.LeagueJoined = person.None, ""
			}
		}
	default:
		in.Political = person.None
	}
}

// joined is a league joining date at 14 to 18, never after today.
func (g *personGen) joined(birth time.Time, age int) string {
	d := birth.AddDate(14+g.r.IntN(min(age, 18)-13), 0, g.r.IntN(365))
	if d.After(g.today) {
		d = birth.AddDate(14, 0, 0)
	}
	return d.Format(time.DateOnly)
}

// work draws the employer, job, trade, skill level and title. The unit
// committee of an enterprise or institution is the employer's own; bureau
// and social-organization committees gather young workers of many.
func (g *personGen) work(in *person.Input, u *node, age int, birth time.Time) {
	r := g.r
	enterprise := u.unitType == "soe" || u.unitType == "private" || u.unitType == "foreign"
	switch u.unitType {
	case "bureau", "social":
		in.Employer = g.pick(employers)
	default:
		in.Employer = strings.TrimSuffix(u.name, "团委")
	}
	trades := person.Trades
	if u.unitType == "soe" || u.unitType == "foreign" {
		trades = industrialTrades
	}
	hasTrade := r.IntN(100) < 60
	if enterprise {
		hasTrade = r.IntN(100) < 85
	}
	if !hasTrade {
		in.Job = g.pick(officeJobs[u.unitType])
		if in.Education == "大专" || in.Education == "本科" || in.Education == "硕士" || in.Education == "博士" {
			in.Title = g.titles.word(r)
		}
		return
	}
	in.Trade = trades[r.IntN(len(trades))]
	in.Job = g.pick(tradeJobs)
	if r.IntN(100) < 13 {
		return // no certificate yet
	}
	level := skillLevels[g.weighted(skillShares)]
	// The higher levels take years: technicians (2) are 25 or older,
	// senior technicians (1) 28 or older.
	for (level <= 1 && age < 28) || (level <= 2 && age < 25) || (level <= 3 && age < 21) {
		level++
	}
	in.SkillLevel = level
	on := g.today.AddDate(0, 0, -r.IntN(6*365))
	if adult := birth.AddDate(18, 0, 0); on.Before(adult) {
		on = adult
	}
	in.SkillDate = on.Format(time.DateOnly)
	in.SkillBody = skillBody
	if enterprise && r.IntN(100) < 40 && utf8.RuneCountInString(in.Employer) < 80 {
		in.SkillBody = in.Employer + "职业技能等级认定中心" // enterprises certify their own
	}
}

// Names returns n personal names drawn as the demo draws them (surnames by
// their frequency, given names of one or two characters), from seed: for
// benchmarks whose rows must look like a real roster, whose names land
// all over the name indexes.
func Names(seed int64, n int) []string {
	g := newPersonGen(seed, time.Now())
	out := make([]string, n)
	for i := range out {
		out[i] = g.name()
	}
	return out
}
