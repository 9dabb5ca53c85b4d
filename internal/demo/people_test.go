package demo_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/org"
	"qinggong/internal/person"
	"qinggong/internal/pii"
)

// checkPeople checks the registered people of a load: how many, where,
// and that the generated fields have the intended mix. today is the
// load's Options.Today (zero: now).
func checkPeople(t *testing.T, e *env, want int, today time.Time) {
	t.Helper()
	ctx := context.Background()
	if today.IsZero() {
		today = time.Now()
	}
	// Ages are counted in Shanghai, as the generator counts them: from
	// 16:00 UTC it is already tomorrow there, and someone the generator
	// made 18 today would be 17 by the UTC date.
	today = today.In(time.FixedZone("Asia/Shanghai", 8*3600))
	q := e.d.R()
	count := func(query string, args ...any) int {
		t.Helper()
		var n int
		if err := q.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
	share := func(name string, n, of, lo, hi int) { // n of of, in percent
		t.Helper()
		if of == 0 || n*100 < lo*of || n*100 > hi*of {
			t.Errorf("%s: %d of %d; want %d–%d%%", name, n, of, lo, hi)
		}
	}
	total := count(`SELECT count(*) FROM people`)
	if total != want {
		t.Fatalf("%d people stored; want %d", total, want)
	}
	if n := count(`SELECT count(DISTINCT id_hash) FROM people`); n != total {
		t.Fatalf("%d distinct ID numbers among %d people", n, total)
	}
	// Units and branches only, with the organization's path, unevenly.
	if n := count(`SELECT count(*) FROM people p JOIN orgs o ON o.id = p.org_id
		WHERE o.level NOT IN ($1, $2) OR p.org_path <> o.path`, org.LevelUnit, org.LevelBranch); n != 0 {
		t.Fatalf("%d people outside a unit or branch, or with a wrong path", n)
	}
	var sizes []int
	rs, err := q.QueryContext(ctx, `SELECT count(*) FROM people GROUP BY org_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rs.Next() {
		var n int
		if err := rs.Scan(&n); err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, n)
	}
	rs.Close()
	slices.Sort(sizes)
	if median, top := sizes[len(sizes)/2], sizes[len(sizes)-1]; top < 8*median {
		t.Errorf("people per organization: median %d, largest %d; want some far larger", median, top)
	}

	share("men", count(`SELECT count(*) FROM people WHERE gender = $1`, person.Male), total, 51, 59)
	if n := count(`SELECT count(DISTINCT substr(birth_date, 1, 4)) FROM people`); n < 18 {
		t.Errorf("birth years: %d distinct", n)
	}
	adults, young := today.AddDate(-18, 0, 0).Format(time.DateOnly), today.AddDate(-36, 0, 0).Format(time.DateOnly)
	if n := count(`SELECT count(*) FROM people WHERE birth_date > $1`, adults); n != 0 {
		t.Errorf("%d people under 18", n)
	}
	share("aged 18–35", count(`SELECT count(*) FROM people WHERE birth_date > $1`, young), total, 85, 95)
	migrants := count(`SELECT count(*) FROM person_tags WHERE tag = $1`, person.TagMigrant)
	share("migrants", migrants, total, 21, 29)
	if n := count(`SELECT count(*) FROM people p JOIN person_tags g ON g.person_id = p.id AND g.tag = $1
		WHERE p.id_masked LIKE '310%'`, person.TagMigrant); n != 0 {
		t.Errorf("%d migrants with a Shanghai ID number", n)
	}
	share("Shanghai ID numbers", count(`SELECT count(*) FROM people WHERE id_masked LIKE '310%'`), total, 65, 76)
	share("builders", count(`SELECT count(*) FROM person_tags WHERE tag = $1`, person.TagBuilder), total, 6, 10)
	withPhone := count(`SELECT count(*) FROM people WHERE length(phone_hash) > 0`)
	share("with a phone", withPhone, total, 82, 88)
	if n := count(`SELECT count(DISTINCT phone_hash) FROM people WHERE length(phone_hash) > 0`); n != withPhone {
		t.Errorf("%d distinct phones among %d", n, withPhone)
	}
	skilled := count(`SELECT count(*) FROM people WHERE skill_level > 0`)
	share("with a skill level", skilled, total, 62, 78)
	if n := count(`SELECT count(*) FROM skill_changes`); n != skilled {
		t.Errorf("%d skill changes for %d people with a level", n, skilled)
	}
	if n := count(`SELECT count(DISTINCT skill_level) FROM people`); n != 6 {
		t.Errorf("%d distinct skill levels; want 0…5", n)
	}
	// League members up to 28; aged out only above it.
	limit := today.AddDate(-person.LeagueAgeLimit-1, 0, 1).Format(time.DateOnly) // born after: 28 or younger
	share("league members up to 28", count(`SELECT count(*) FROM people WHERE political = $1 AND birth_date >= $2`, person.League, limit),
		count(`SELECT count(*) FROM people WHERE birth_date >= $1`, limit), 50, 60)
	share("party members", count(`SELECT count(*) FROM people WHERE political = $1`, person.Party), total, 9, 15)
	if n := count(`SELECT count(*) FROM people WHERE status = $1 AND birth_date > $2`, person.AgedOut,
		today.AddDate(-person.LeagueAgeLimit, 0, 0).Format(time.DateOnly)); n != 0 {
		t.Errorf("%d people aged out before 28", n)
	}
	if n := count(`SELECT count(*) FROM people WHERE status = $1`, person.AgedOut); n == 0 {
		t.Error("nobody aged out")
	}
	share("left", count(`SELECT count(*) FROM people WHERE status = $1`, person.Left), total, 2, 4)
	if n := count(`SELECT count(*) FROM people WHERE political = $1 AND league_joined = ''`, person.League); n != 0 {
		t.Errorf("%d league members without a joining date", n)
	}
	// Surnames read as surnames: 曾 zēng, 单 shàn.
	for _, s := range []struct{ name, initial string }{{"曾", "z"}, {"单", "s"}} {
		if want/1000 >= 10 && count(`SELECT count(*) FROM people WHERE name LIKE $1 AND initials NOT LIKE $2`, s.name+"%", s.initial+"%") != 0 {
			t.Errorf("a surname %s has initials other than %s…", s.name, s.initial)
		}
	}
	if bad, err := person.CheckRollups(ctx, q); err != nil || len(bad) > 0 {
		t.Fatalf("person.CheckRollups = %d bad (%v), %v", len(bad), bad[:min(5, len(bad))], err)
	}
	checkSample(t, e, today)
}

// checkSample reads a few people back through the registry and checks that
// each ID number agrees with the stored gender and birth date.
func checkSample(t *testing.T, e *env, today time.Time) {
	t.Helper()
	ctx := context.Background()
	admin := &auth.Actor{Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: e.root.ID, Paths: []string{e.root.Path}}}}
	p, err := e.people.Find(ctx, admin, person.Filter{Status: "all", Limit: 5})
	if err != nil || len(p.People) == 0 {
		t.Fatalf("Find: %d people, %v", len(p.People), err)
	}
	for _, b := range p.People {
		got, err := e.people.Get(ctx, admin, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		rev, err := e.people.Reveal(ctx, admin, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		card, err := pii.ParseIDCard(rev.IDNumber, today)
		if err != nil || card.BirthDate.Format(time.DateOnly) != got.BirthDate || card.Male != (got.Gender == person.Male) {
			t.Fatalf("%s: ID %s (%v) against %s %s", got.Name, got.IDMasked, err, got.Gender, got.BirthDate)
		}
		if rev.Phone != "" && !pii.ValidMobile(rev.Phone) {
			t.Fatalf("%s: phone %s", got.Name, got.PhoneMasked)
		}
		if got.Employer == "" || got.Ethnicity == "" || got.Education == "" || strings.TrimSpace(got.Name) == "" {
			t.Fatalf("incomplete person %+v", got)
		}
	}
}

func (e *env) peopleCount(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.d.R().QueryRowContext(context.Background(), `SELECT count(*) FROM people`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// peopleKeys describes every person as stored, in ID-number order (the
// keyed hashes agree because every env seals with the same keys).
func (e *env) peopleKeys(t *testing.T) []string {
	t.Helper()
	rs, err := e.d.R().QueryContext(context.Background(), `SELECT p.id_hash, p.name, o.code, p.gender, p.birth_date,
		p.phone_hash, p.political, p.league_joined, p.employer, p.trade, p.skill_level, p.tags, p.status
		FROM people p JOIN orgs o ON o.id = p.org_id ORDER BY p.id_hash`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var f [13]string
		ptrs := make([]any, len(f))
		for i := range f {
			ptrs[i] = &f[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.Join(f[:], "\t"))
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
