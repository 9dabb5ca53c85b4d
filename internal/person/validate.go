package person

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"qinggong/internal/errs"
	"qinggong/internal/pii"
)

// Limits on free text, in characters.
const (
	maxName  = 50
	maxShort = 100
	maxNotes = 2000
	maxTag   = 20
	maxTags  = 10
)

// checked is a normalised, valid Input with its parsed ID card.
type checked struct {
	Input
	card pii.IDCard
}

// check normalises in and validates every field, collecting one catalog
// key per bad field. It does not look at the database (organization scope
// and uniqueness are the service's).
func check(in Input, today time.Time) (checked, errs.Fields) {
	var f errs.Fields
	c := checked{Input: in}
	c.Name = strings.TrimSpace(in.Name)
	switch n := utf8.RuneCountInString(c.Name); {
	case n == 0:
		f.Add("name", "err.required")
	case n > maxName || !printable(c.Name):
		f.Add("name", "err.person_name")
	}
	// Full-width digits and grouping spaces or dashes, as typed or pasted
	// from a roster, are the same number.
	in.IDNumber = pii.Number(in.IDNumber)
	card, err := pii.ParseIDCard(in.IDNumber, today)
	switch {
	case strings.TrimSpace(in.IDNumber) == "":
		f.Add("id_number", "err.required")
	case err != nil:
		f.Add("id_number", err.Error())
	}
	c.card, c.IDNumber = card, card.Number
	c.Gender = strings.TrimSpace(in.Gender)
	c.BirthDate = strings.TrimSpace(in.BirthDate)
	if err == nil {
		g := Female
		if card.Male {
			g = Male
		}
		b := card.BirthDate.Format(time.DateOnly)
		if c.Gender == "" {
			c.Gender = g
		} else if c.Gender != g && slices.Contains(genders, c.Gender) {
			f.Add("gender", "err.id_gender")
		}
		if c.BirthDate == "" {
			c.BirthDate = b
		} else if c.BirthDate != b && validDate(c.BirthDate) {
			f.Add("birth_date", "err.id_birth_mismatch")
		}
	}
	if c.Gender != "" && !slices.Contains(genders, c.Gender) {
		f.Add("gender", "err.invalid")
	}
	if c.BirthDate != "" && !validDate(c.BirthDate) {
		f.Add("birth_date", "err.date")
	}
	c.Phone = pii.Number(strings.TrimSpace(in.Phone))
	if c.Phone != "" && !pii.ValidMobile(c.Phone) {
		f.Add("phone", "err.phone")
	}
	c.Email = strings.TrimSpace(in.Email)
	if c.Email != "" && (len(c.Email) > maxShort || !validEmail(c.Email)) {
		f.Add("email", "err.email")
	}
	c.Political = strings.TrimSpace(in.Political)
	if c.Political == "" {
		c.Political = None
	}
	if !slices.Contains(politicals, c.Political) {
		f.Add("political", "err.invalid")
	}
	c.LeagueJoined = strings.TrimSpace(in.LeagueJoined)
	if c.LeagueJoined != "" {
		if !validDate(c.LeagueJoined) || c.LeagueJoined > today.In(shanghai).Format(time.DateOnly) ||
			(c.BirthDate != "" && c.LeagueJoined < c.BirthDate) {
			f.Add("league_joined", "err.date")
		}
	}
	if in.OrgID <= 0 {
		f.Add("org_id", "err.required")
	}
	for _, t := range []struct {
		field string
		v     *string
		max   int
	}{
		{"ethnicity", &c.Ethnicity, maxShort}, {"education", &c.Education, maxShort}, {"employer", &c.Employer, maxShort},
		{"job", &c.Job, maxShort}, {"trade", &c.Trade, maxShort}, {"title", &c.Title, maxShort},
		{"skill_body", &c.SkillBody, maxShort}, {"notes", &c.Notes, maxNotes},
	} {
		*t.v = strings.TrimSpace(*t.v)
		if utf8.RuneCountInString(*t.v) > t.max {
			f.Add(t.field, "err.too_long")
		} else if t.field != "notes" && !printable(*t.v) {
			f.Add(t.field, "err.invalid")
		}
	}
	if c.SkillLevel < 0 || c.SkillLevel > 5 {
		f.Add("skill_level", "err.skill_level")
	}
	c.SkillDate = strings.TrimSpace(in.SkillDate)
	if c.SkillDate != "" && (!validDate(c.SkillDate) || c.SkillDate > today.In(shanghai).Format(time.DateOnly)) {
		f.Add("skill_date", "err.date")
	}
	tags, ok := normTags(in.Tags)
	if !ok {
		f.Add("tags", "err.tags")
	}
	c.Tags = tags
	c.Status = strings.TrimSpace(in.Status)
	if c.Status == "" {
		c.Status = Active
		// League membership ends at 28: a league member of that age or
		// more is registered as aged out unless a status is given.
		if c.Political == League && c.BirthDate != "" && ageOn(c.BirthDate, today) >= LeagueAgeLimit {
			c.Status = AgedOut
		}
	}
	if !slices.Contains(statuses, c.Status) {
		f.Add("status", "err.invalid")
	}
	return c, f
}

// normTags trims, de-duplicates and sorts tags; false when one is empty
// after trimming, too long, holds a comma, or there are too many.
func normTags(in []string) ([]string, bool) {
	out := make([]string, 0, len(in))
	ok := true
	for _, t := range in {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if utf8.RuneCountInString(t) > maxTag || strings.ContainsAny(t, ",，") || !printable(t) {
			ok = false
			continue
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	if len(out) > maxTags {
		ok = false
	}
	slices.Sort(out)
	return out, ok
}

// SplitTags reads tags typed as one string, separated by commas (either
// width), semicolons or spaces.
func SplitTags(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == ';' || r == '；' || r == '、' || unicode.IsSpace(r)
	})
}

func validDate(s string) bool {
	t, err := time.Parse(time.DateOnly, s)
	return err == nil && t.Year() >= 1900
}

func validEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && at < len(s)-3 && strings.IndexByte(s[at+1:], '.') > 0 && !strings.ContainsAny(s, " <>\"'")
}

// printable rejects control characters (a pasted cell may carry them).
func printable(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}
