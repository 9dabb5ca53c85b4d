package campaign

import (
	"context"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"qinggong/internal/auth"
	"qinggong/internal/org"
	"qinggong/internal/person"
)

// Kind is a kind of nominee: how to find one the actor may put forward,
// and how to check it against a campaign's rules. The skills, brand,
// venture and association modules register theirs (a team, a project);
// people and organizations are built in (PersonKind, OrgKind).
type Kind interface {
	// Name is the kind's identifier (person, org, team, …).
	Name() string
	// Find returns the nominee with that ID if the actor may read it;
	// otherwise an errs.NotFound error.
	Find(ctx context.Context, by *auth.Actor, id int64) (Nominee, error)
	// Check lists what keeps the nominee from the campaign (catalog keys).
	Check(n Nominee, r Rules, day time.Time) []Reason
}

// Nominee is what the engine needs of any nominee.
type Nominee struct {
	ID      int64
	Name    string
	OrgID   int64
	OrgPath string // where the nominee belongs: eligibility by scope
	Record  any    // the kind's own record, for its Check
}

// Reason is one refusal: a field and a catalog key, with a detail.
type Reason struct {
	Field string `json:"field"`
	Key   string `json:"key"`
	Arg   string `json:"arg,omitempty"`
}

// Register adds a nominee kind; a second kind of the same name panics
// (it is wiring, done at start).
func (s *Service) Register(k Kind) {
	if _, dup := s.kinds[k.Name()]; dup {
		panic("campaign: kind " + k.Name() + " registered twice")
	}
	s.kinds[k.Name()] = k
}

// PersonKind nominates people of the registry.
type PersonKind struct{ People *person.Service }

func (PersonKind) Name() string { return NomineePerson }

func (k PersonKind) Find(ctx context.Context, by *auth.Actor, id int64) (Nominee, error) {
	p, err := k.People.Get(ctx, by, id)
	if err != nil {
		return Nominee{}, err
	}
	return Nominee{ID: p.ID, Name: p.Name, OrgID: p.OrgID, OrgPath: p.OrgPath, Record: p}, nil
}

// Check applies the age, skill-level and political-status rules to the
// person's record as it stands.
func (PersonKind) Check(n Nominee, r Rules, day time.Time) []Reason {
	p := n.Record.(*person.Person)
	var out []Reason
	// Aged out of the league is still a young worker; one who has left
	// the organization is not its to nominate.
	if p.Status == person.Left {
		out = append(out, Reason{Field: "nominee", Key: "err.nominee_inactive"})
	}
	if r.AgeMax > 0 {
		if on, err := time.Parse(time.DateOnly, r.AgeOn); err == nil {
			day = on
		}
		if age := p.Age(day); age == 0 || age > r.AgeMax {
			out = append(out, Reason{Field: "nominee", Key: "err.nominee_age", Arg: strconv.Itoa(r.AgeMax)})
		}
	}
	// Grades run from 5 (junior) to 1 (senior technician): "at least
	// grade L" is a grade from 1 to L.
	if r.SkillLevel > 0 && (p.SkillLevel == 0 || p.SkillLevel > r.SkillLevel) {
		out = append(out, Reason{Field: "nominee", Key: "err.nominee_skill"})
	}
	if len(r.Political) > 0 && !slices.Contains(r.Political, p.Political) {
		out = append(out, Reason{Field: "nominee", Key: "err.nominee_political"})
	}
	return out
}

// OrgKind nominates organizations (a civilisation post, a shock team's
// unit).
type OrgKind struct{ Orgs *org.Service }

func (OrgKind) Name() string { return NomineeOrg }

func (k OrgKind) Find(ctx context.Context, by *auth.Actor, id int64) (Nominee, error) {
	o, err := k.Orgs.FindByID(ctx, by, id)
	if err != nil {
		return Nominee{}, err
	}
	return Nominee{ID: o.ID, Name: o.Name, OrgID: o.ID, OrgPath: o.Path, Record: o}, nil
}

func (OrgKind) Check(n Nominee, r Rules, day time.Time) []Reason {
	if !n.Record.(*org.Org).Active() {
		return []Reason{{Field: "nominee", Key: "err.nominee_inactive"}}
	}
	return nil
}

// moralOK reports whether a moral assessment is given at the length the
// rules ask (at least 10 characters when they say nothing).
func moralOK(s string, r Rules) bool {
	least := r.MoralMin
	if least == 0 {
		least = 10
	}
	return utf8.RuneCountInString(s) >= least
}
