package campaign

import "qinggong/internal/person"

// Template is a ready selection to copy: the document's named selections
// with their typical rules. Copying one fills a draft campaign's form; the
// organizer changes what this year's notice says differently.
type Template struct {
	Kind        string   `json:"kind"`
	TitleKey    string   `json:"title_key"` // catalog key of the usual title
	NomineeKind string   `json:"nominee_kind"`
	Rules       Rules    `json:"rules"`
	Winners     int      `json:"winners"`
	Tiers       []string `json:"tiers,omitempty"` // catalog keys of the honour's tiers, highest first
	SelfApply   bool     `json:"self_apply"`
	Referral    bool     `json:"referral"`
	QuotaBy     string   `json:"quota_by,omitempty"` // the level quotas are usually given to: district, unit
}

// Templates are the selections section 一.3 of the work plan names. Modules
// that bring teams and projects will retarget the team and project ones to
// their kinds; until then those nominate the organization that runs them.
var Templates = []Template{
	{Kind: "top_technician", TitleKey: "campaign.tpl.top_technician", NomineeKind: NomineePerson, Winners: 10, Referral: true,
		Rules: Rules{AgeMax: 35, SkillLevel: 2, MoralMin: 50, SummaryHint: "campaign.hint.skills"}, QuotaBy: "district"},
	{Kind: "job_expert", TitleKey: "campaign.tpl.job_expert", NomineeKind: NomineePerson, Winners: 100,
		Rules: Rules{AgeMax: 35, HeldKind: "job_expert_district", HeldYears: 1, CleanRecord: true}, QuotaBy: "district"},
	{Kind: "job_expert_district", TitleKey: "campaign.tpl.job_expert_district", NomineeKind: NomineePerson, Winners: 200,
		Rules: Rules{AgeMax: 35}, QuotaBy: "unit"},
	{Kind: "civilisation_post", TitleKey: "campaign.tpl.civilisation_post", NomineeKind: NomineeOrg, Winners: 50,
		Tiers: []string{"campaign.tier.city", "campaign.tier.district"}, QuotaBy: "district"},
	{Kind: "shock_team", TitleKey: "campaign.tpl.shock_team", NomineeKind: NomineeOrg, Winners: 30, QuotaBy: "district"},
	{Kind: "rail_builder", TitleKey: "campaign.tpl.rail_builder", NomineeKind: NomineePerson, Winners: 10,
		Rules: Rules{AgeMax: 35, MoralMin: 50}, QuotaBy: "unit"},
	{Kind: "quality_project", TitleKey: "campaign.tpl.quality_project", NomineeKind: NomineeOrg, Winners: 20, QuotaBy: "district"},
	{Kind: "venture_star", TitleKey: "campaign.tpl.venture_star", NomineeKind: NomineePerson, Winners: 10, SelfApply: true, Referral: true,
		Rules: Rules{AgeMax: 40, SummaryHint: "campaign.hint.venture"}},
	{Kind: "economy_figure", TitleKey: "campaign.tpl.economy_figure", NomineeKind: NomineePerson, Winners: 10, Referral: true,
		Rules: Rules{AgeMax: 40, MoralMin: 50}},
	{Kind: "expo_elite", TitleKey: "campaign.tpl.expo_elite", NomineeKind: NomineePerson, Winners: 20,
		Rules: Rules{AgeMax: 35, MoralMin: 50}, QuotaBy: "unit"},
	{Kind: "innovation_contest", TitleKey: "campaign.tpl.innovation_contest", NomineeKind: NomineePerson, Winners: 30, SelfApply: true,
		Tiers: []string{"campaign.tier.first", "campaign.tier.second", "campaign.tier.third"}, Rules: Rules{AgeMax: 35}},
	{Kind: "tech_trade_award", TitleKey: "campaign.tpl.tech_trade_award", NomineeKind: NomineePerson, Winners: 5,
		Rules: Rules{AgeMax: 35}},
	{Kind: "star_worker", TitleKey: "campaign.tpl.star_worker", NomineeKind: NomineePerson, Winners: 30,
		Tiers: []string{"campaign.tier.star3", "campaign.tier.star2", "campaign.tier.star1"}, Rules: Rules{AgeMax: 35,
			Political: []string{person.League, person.Party}}},
}

// TemplateOf returns the template of a kind.
func TemplateOf(kind string) (Template, bool) {
	for _, t := range Templates {
		if t.Kind == kind {
			return t, true
		}
	}
	return Template{}, false
}
