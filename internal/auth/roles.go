package auth

// Permission is what a route or a service call needs. Permissions are fixed
// in code and reviewed like code; roles are sets of them.
type Permission string

const (
	// Public routes need no login (login page, health checks, assets).
	Public Permission = "public"
	// Authenticated routes need any logged-in user (home, own password, logout).
	Authenticated Permission = "authenticated"

	OrgRead     Permission = "org.read"     // see organizations in scope
	OrgWrite    Permission = "org.write"    // create children, edit details
	OrgManage   Permission = "org.manage"   // move and archive subtrees
	RegionRead  Permission = "region.read"  // see regions owned in scope
	RegionWrite Permission = "region.write" // create regions, change members
	UserRead    Permission = "user.read"    // see accounts whose home org is in scope
	UserWrite   Permission = "user.write"   // create accounts, grant business roles in scope
	// UserCreate opens the account form: user.write's holders and the system
	// admin, whose job is accounts but who grants no role.
	UserCreate Permission = "user.create"

	PersonRead   Permission = "person.read"   // see people (masked identifiers) and their records in scope
	PersonWrite  Permission = "person.write"  // add, edit, import and transfer people in scope
	PersonExport Permission = "person.export" // export lists of people in scope
	RevealPII    Permission = "person.reveal" // see full ID-card numbers and phones (audited)

	CadreRead  Permission = "cadre.read"  // see league cadres (posts, terms, part-time checks) in scope
	CadreWrite Permission = "cadre.write" // appoint cadres, edit posts and end terms in scope

	CampaignManage   Permission = "campaign.manage"   // organize selections: create, set quotas, move stages
	CampaignNominate Permission = "campaign.nominate" // nominate and pass nominations upward in scope

	EventManage   Permission = "event.manage"   // organize events in scope: create, publish, run check-in
	EventRegister Permission = "event.register" // register people in scope for events

	// Career navigation and the talent pool: plans and their reviews are
	// also a young worker's own and their mentor's, which the services
	// check on the plan; these are the cadres' and committees'.
	CareerRead      Permission = "career.read"      // see career plans, the talent pool and the unit views in scope
	CareerWrite     Permission = "career.write"     // write plans for people in scope, review them, assign mentors
	TalentRecommend Permission = "talent.recommend" // recommend people in scope to a committee above
	TalentVet       Permission = "talent.vet"       // vet recommendations received in scope, mark typical cases

	// The credit system: courses, results, corrections; the rules are the
	// city committee's (the service checks the root).
	SkillsManage Permission = "skills.manage" // publish courses, post results and correct credits in scope
	SkillsRules  Permission = "skills.rules"  // set the credit rules (on the root only)

	AccountAdmin  Permission = "account.admin"  // sysadmin: create, disable, reset accounts
	SecurityAdmin Permission = "security.admin" // secadmin: officer grants, unlocks, sessions
	AuditRead     Permission = "audit.read"     // auditor: search and export the audit log
)

// Role names a set of permissions granted on a scope.
type Role string

const (
	OrgAdmin Role = "org_admin"
	Cadre    Role = "cadre"
	Viewer   Role = "viewer"
	SysAdmin Role = "sysadmin"
	SecAdmin Role = "secadmin"
	Auditor  Role = "auditor"
)

// rolePerms is the policy table: role → permissions. The authorization
// matrix test derives every expected answer from this table.
var rolePerms = map[Role][]Permission{
	OrgAdmin: {OrgRead, OrgWrite, OrgManage, RegionRead, RegionWrite, UserRead, UserWrite, UserCreate,
		PersonRead, PersonWrite, PersonExport, RevealPII, CadreRead, CadreWrite, CampaignManage, CampaignNominate,
		EventManage, EventRegister, CareerRead, CareerWrite, TalentRecommend, TalentVet, SkillsManage, SkillsRules},
	Cadre: {OrgRead, OrgWrite, RegionRead, UserRead, PersonRead, PersonWrite, PersonExport, CadreRead, CadreWrite,
		CampaignNominate, EventManage, EventRegister, CareerRead, CareerWrite, TalentRecommend, SkillsManage},
	Viewer:   {OrgRead, RegionRead, PersonRead, CadreRead, CareerRead},
	SysAdmin: {AccountAdmin, UserRead, UserCreate},
	SecAdmin: {SecurityAdmin, UserRead, UserWrite, UserCreate},
	Auditor:  {AuditRead},
}

// BusinessRoles are granted on an org subtree or a region.
var BusinessRoles = []Role{OrgAdmin, Cadre, Viewer}

// OfficerRoles (三员) are global, mutually exclusive and hold no business role.
var OfficerRoles = []Role{SysAdmin, SecAdmin, Auditor}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { _, ok := rolePerms[r]; return ok }

// Officer reports whether r is one of the three officer roles.
func (r Role) Officer() bool { return r == SysAdmin || r == SecAdmin || r == Auditor }

// Has reports whether r carries p.
func (r Role) Has(p Permission) bool {
	for _, q := range rolePerms[r] {
		if q == p {
			return true
		}
	}
	return false
}

// Permissions lists every permission a route may declare.
func Permissions() []Permission {
	return []Permission{Public, Authenticated, OrgRead, OrgWrite, OrgManage, RegionRead, RegionWrite,
		UserRead, UserWrite, UserCreate, PersonRead, PersonWrite, PersonExport, RevealPII, CadreRead, CadreWrite, CampaignManage, CampaignNominate, EventManage, EventRegister,
		CareerRead, CareerWrite, TalentRecommend, TalentVet, SkillsManage, SkillsRules, AccountAdmin, SecurityAdmin, AuditRead}
}

// Global reports whether p is checked without a target organization.
func (p Permission) Global() bool {
	return p == Public || p == Authenticated || p == AccountAdmin || p == SecurityAdmin || p == AuditRead
}
