// Package person is the people registry: young workers, league and party
// members, with their protected identifiers (ID-card number and phone
// sealed at rest, shown masked), skill-level history, tags, transfers
// between organizations, imports and exports, and the growth record read
// from the activity ledger.
package person

import (
	"strconv"
	"strings"
	"time"
)

// Person is one young person in the registry. IDMasked and PhoneMasked are
// what lists and pages show; the full values are only returned by Reveal.
type Person struct {
	ID           int64     `json:"id"`
	OrgID        int64     `json:"org_id"`
	OrgPath      string    `json:"-"`
	Name         string    `json:"name"`
	Initials     string    `json:"initials"`
	Gender       string    `json:"gender"`
	BirthDate    string    `json:"birth_date"`
	IDMasked     string    `json:"id_number"`
	PhoneMasked  string    `json:"phone"`
	Email        string    `json:"email"`
	Ethnicity    string    `json:"ethnicity"`
	Education    string    `json:"education"`
	Political    string    `json:"political"`
	LeagueJoined string    `json:"league_joined"`
	Employer     string    `json:"employer"`
	Job          string    `json:"job"`
	Trade        string    `json:"trade"`
	SkillLevel   int       `json:"skill_level"`
	Title        string    `json:"title"`
	Tags         []string  `json:"tags"`
	Status       string    `json:"status"`
	Notes        string    `json:"notes"`
	UserID       int64     `json:"user_id,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Age is the person's age in whole years on day (Asia/Shanghai).
func (p *Person) Age(day time.Time) int { return ageOn(p.BirthDate, day) }

// ageOn is the age in whole years on day of someone born on birth
// (YYYY-MM-DD; 0 if it is not a date). Lists call it for every row, so it
// reads the digits instead of parsing a time.
func ageOn(birth string, day time.Time) int {
	if len(birth) != 10 || birth[4] != '-' || birth[7] != '-' {
		return 0
	}
	y, e1 := strconv.Atoi(birth[:4])
	m, e2 := strconv.Atoi(birth[5:7])
	dd, e3 := strconv.Atoi(birth[8:])
	if e1 != nil || e2 != nil || e3 != nil {
		return 0
	}
	d := day.In(shanghai)
	age := d.Year() - y
	if int(d.Month()) < m || (int(d.Month()) == m && d.Day() < dd) {
		age--
	}
	return age
}

var shanghai = time.FixedZone("Asia/Shanghai", 8*3600)

// Genders, political statuses, statuses and built-in tags, as stored.
const (
	Male   = "m"
	Female = "f"

	League = "league"
	Party  = "party"
	None   = "none"

	Active  = "active"
	AgedOut = "aged_out" // league membership ends at 28
	Left    = "left"

	TagMigrant = "migrant"
	TagBuilder = "builder"
)

// LeagueAgeLimit is the age at which league membership ends.
const LeagueAgeLimit = 28

var (
	genders    = []string{Male, Female}
	politicals = []string{League, Party, None}
	statuses   = []string{Active, AgedOut, Left}
)

// Educations are the education levels offered in forms and imports.
var Educations = []string{"初中", "高中", "中专", "技校", "大专", "本科", "硕士", "博士"}

// Trades are suggested in forms; any trade name is accepted.
var Trades = []string{"钳工", "电工", "焊工", "车工", "铣工", "数控车工", "维修电工", "汽车维修工", "地铁列车司机",
	"电梯安装维修工", "化工总控工", "育婴员", "养老护理员", "美容师", "西式面点师", "中式烹调师", "快递员", "网约配送员"}

// SkillLevelName is the catalog key of a skill level (5 junior … 1 senior technician).
func SkillLevelName(level int) string {
	if level < 1 || level > 5 {
		return "person.skill_none"
	}
	return "person.skill_" + string(rune('0'+level))
}

// tagList splits the stored tag column (",a,b,") into its tags.
func tagList(s string) []string {
	s = strings.Trim(s, ",")
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// tagColumn is the stored form of tags: sorted, comma-wrapped.
func tagColumn(tags []string) string {
	if len(tags) == 0 {
		return ""
	}
	return "," + strings.Join(tags, ",") + ","
}

// Input is what a form, the API or an import row supplies. ID and Phone are
// in full; they are sealed before storage and never logged.
type Input struct {
	Name         string   `json:"name"`
	Gender       string   `json:"gender"`
	BirthDate    string   `json:"birth_date"`
	IDNumber     string   `json:"id_number"`
	Phone        string   `json:"phone"`
	Email        string   `json:"email"`
	Ethnicity    string   `json:"ethnicity"`
	Education    string   `json:"education"`
	Political    string   `json:"political"`
	LeagueJoined string   `json:"league_joined"`
	OrgID        int64    `json:"org_id"`
	Employer     string   `json:"employer"`
	Job          string   `json:"job"`
	Trade        string   `json:"trade"`
	SkillLevel   int      `json:"skill_level"`
	SkillDate    string   `json:"skill_date"` // when the current level was certified
	SkillBody    string   `json:"skill_body"` // who certified it
	Title        string   `json:"title"`
	Tags         []string `json:"tags"`
	Status       string   `json:"status"`
	Notes        string   `json:"notes"`
	// On update a blank IDNumber or Phone keeps the stored one (lists never
	// show them, so a client cannot send them back); ClearPhone removes it.
	ClearPhone bool `json:"clear_phone,omitempty"`
}

// SkillChange is one entry of a person's skill-level history.
type SkillChange struct {
	ID          int64     `json:"id"`
	Level       int       `json:"level"`
	CertifiedOn string    `json:"certified_on"`
	Body        string    `json:"body"`
	RecordedAt  time.Time `json:"recorded_at"`
}

// Revealed is a person's full identifiers, returned only to holders of
// RevealPII and always audited.
type Revealed struct {
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"`
}
