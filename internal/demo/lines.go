package demo

import "qinggong/internal/org"

// unitKind is one kind of unit committee a line holds: its unit type, how
// often it occurs (weight), the sectors its departments come from and the
// templates its enterprise names are made from (see expand).
type unitKind struct {
	unitType  string
	weight    int
	sectors   []string
	templates []string
}

// line is a committee directly under the root: a district committee (块)
// or an industry-system working committee (条).
type line struct {
	name, short string
	level       string
	district    string // where the committee itself sits
	weight      int    // share of the budget
	kinds       []unitKind
	// locate lists where the line's units sit, repeated for weight; nil
	// means in the line's own district (district committees).
	locate []string
	// groups is the percentage of units that are group companies holding
	// subsidiary units of their own.
	groups int
	// est bounds the committee's own year of establishment.
	est [2]int
}

// districtKinds are the units of every district committee: mostly
// non-public enterprises (非公企业), with district state enterprises,
// bureaus, institutions and social organizations.
var districtKinds = []unitKind{
	{"private", 22, []string{"office"}, []string{"上海{字号}{服务行业}有限公司", "上海{字号}{服务行业}有限公司",
		"上海{字号}{服务行业}股份有限公司", "{字号}（上海）{服务行业}有限公司"}},
	{"private", 14, []string{"manufacturing"}, []string{"上海{字号}{制造行业}有限公司", "上海{字号}{制造行业}有限公司",
		"上海{字号}{制造行业}股份有限公司"}},
	{"private", 5, []string{"commerce"}, []string{"上海{字号}{商贸行业}有限公司"}},
	{"private", 4, []string{"finance"}, []string{"上海{字号}{金融}有限公司"}},
	{"foreign", 10, []string{"manufacturing", "office"}, []string{"{外字号}（中国）{外行业}有限公司", "{外字号}（上海）{外行业}有限公司",
		"上海{外字号}{外行业}有限公司"}},
	{"soe", 10, []string{"construction", "office", "commerce"}, []string{"上海{区短}{区属国企}", "上海{镇}经济发展有限公司"}},
	{"soe", 3, []string{"transport"}, []string{"上海{区短}公共交通有限公司{公交}路车队", "上海{区短}{镇}公交客运有限公司"}},
	{"bureau", 8, []string{"government"}, []string{"{区}{区级机关}", "{区}{区级机关}", "{区}市场监督管理局{镇}市场监督管理所", "{区}公安分局{镇}派出所",
		"{区}税务局第{序}税务所"}},
	{"institution", 7, []string{"health"}, []string{"{区}{区级医院}", "{区}{镇}社区卫生服务中心"}},
	{"institution", 5, []string{"education"}, []string{"上海市{区短}{区级学校}", "{区}{镇}中学", "{区}{镇}中心小学"}},
	{"institution", 3, []string{"office"}, []string{"{区}{区级事业}", "{区}{镇}社区事务受理服务中心", "{区}{镇}社区文化活动中心"}},
	{"social", 6, []string{"social"}, []string{"{区}{社会组织}", "上海{字号}社会工作服务社", "上海{区短}{字号}公益服务中心"}},
}

// everywhere weights Shanghai's districts for lines present across the city.
var everywhere = []string{"huangpu", "xuhui", "changning", "jingan", "putuo", "hongkou", "yangpu", "minhang", "minhang",
	"baoshan", "jiading", "pudong", "pudong", "pudong", "jinshan", "songjiang", "qingpu", "fengxian", "chongming"}

// systemLines are the industry-system working committees (行业条线).
var systemLines = []line{
	{name: "市国资委团工委", short: "国资团工委", district: "huangpu", weight: 6, groups: 30, est: [2]int{1993, 2004},
		locate: []string{"huangpu", "huangpu", "jingan", "jingan", "xuhui", "pudong", "pudong", "pudong", "minhang", "minhang",
			"yangpu", "baoshan", "jiading", "putuo", "changning", "hongkou", "songjiang"},
		kinds: []unitKind{
			{"soe", 4, []string{"manufacturing"}, []string{"{制造集团}{子公司}"}},
			{"soe", 3, []string{"construction"}, []string{"{建工集团}{子公司}"}},
			{"soe", 2, []string{"commerce", "office"}, []string{"{商贸集团}{子公司}"}},
			{"soe", 1, []string{"finance"}, []string{"{金融集团}{金融子}"}},
		}},
	{name: "申通地铁集团团委", short: "地铁团委", district: "xuhui", weight: 4, groups: 20, est: [2]int{1995, 2001}, locate: everywhere,
		kinds: []unitKind{
			{"soe", 5, []string{"metro"}, []string{"{地铁单位}", "上海轨道交通{线}号线发展有限公司"}},
			{"soe", 1, []string{"office", "construction"}, []string{"上海申通地铁{子公司}"}},
		}},
	{name: "市电力公司团委", short: "电力团委", district: "pudong", weight: 4, groups: 20, est: [2]int{1980, 1998}, locate: everywhere,
		kinds: []unitKind{
			{"soe", 5, []string{"power"}, []string{"国网上海市电力公司{电力单位}", "国网上海市电力公司{区短}供电公司",
				"国网上海{区短}供电公司{镇}供电服务中心"}},
			{"soe", 1, []string{"construction", "office"}, []string{"{电力产业}"}},
		}},
	{name: "上汽集团团委", short: "上汽团委", district: "jingan", weight: 5, groups: 35, est: [2]int{1985, 1996},
		locate: []string{"jiading", "jiading", "jiading", "jiading", "pudong", "pudong", "pudong", "minhang", "minhang", "baoshan", "songjiang", "qingpu"},
		kinds: []unitKind{
			{"soe", 5, []string{"auto"}, []string{"{上汽单位}", "上汽大众汽车有限公司{上汽工厂}", "上汽通用汽车有限公司{上汽工厂}", "华域{华域子}"}},
			{"foreign", 1, []string{"auto", "manufacturing"}, []string{"{外字号}（上海）汽车部件有限公司"}},
		}},
	{name: "宝武钢铁集团团委", short: "宝武团委", district: "pudong", weight: 4, groups: 30, est: [2]int{1978, 1998},
		locate: []string{"baoshan", "baoshan", "baoshan", "baoshan", "baoshan", "baoshan", "pudong", "pudong", "yangpu", "jinshan"},
		kinds: []unitKind{
			{"soe", 3, []string{"steel"}, []string{"宝山钢铁股份有限公司{宝钢单位}"}},
			{"soe", 2, []string{"manufacturing", "office", "construction"}, []string{"{宝武子公司}"}},
		}},
	{name: "上港集团团委", short: "上港团委", district: "hongkou", weight: 3, groups: 15, est: [2]int{1987, 2003},
		locate: []string{"pudong", "pudong", "pudong", "pudong", "baoshan", "baoshan", "hongkou", "yangpu"},
		kinds: []unitKind{
			{"soe", 5, []string{"port"}, []string{"{上港单位}"}},
			{"soe", 1, []string{"office", "transport"}, []string{"上港集团{子公司}"}},
		}},
	{name: "市建设交通团工委", short: "建交团工委", district: "huangpu", weight: 4, groups: 20, est: [2]int{1984, 2000}, locate: everywhere,
		kinds: []unitKind{
			{"bureau", 2, []string{"government"}, []string{"上海市{建交机关}"}},
			{"soe", 4, []string{"construction"}, []string{"{交通企业}", "上海建工{子公司}"}},
			{"soe", 2, []string{"transport"}, []string{"上海巴士第{序}公共交通有限公司", "上海{区短}公共交通有限公司"}},
		}},
	{name: "市卫生健康团工委", short: "卫健团工委", district: "pudong", weight: 4, groups: 10, est: [2]int{1984, 1999}, locate: everywhere,
		kinds: []unitKind{
			{"institution", 6, []string{"health"}, []string{"{市级医院}"}},
			{"bureau", 1, []string{"government"}, []string{"上海市{卫健直属}"}},
		}},
	{name: "市商务团工委", short: "商务团工委", district: "huangpu", weight: 3, groups: 15, est: [2]int{1995, 2005},
		locate: []string{"huangpu", "huangpu", "huangpu", "jingan", "jingan", "jingan", "pudong", "pudong", "pudong", "xuhui", "xuhui",
			"changning", "changning", "hongkou", "putuo", "minhang"},
		kinds: []unitKind{
			{"soe", 3, []string{"commerce"}, []string{"{商贸企业}"}},
			{"private", 3, []string{"commerce", "office"}, []string{"上海{字号}{商贸行业}有限公司"}},
			{"foreign", 1, []string{"commerce"}, []string{"{外字号}（中国）商业有限公司", "{外字号}（上海）{商贸行业}有限公司"}},
		}},
	{name: "东方航空团委", short: "东航团委", district: "changning", weight: 3, groups: 25, est: [2]int{1988, 1997},
		locate: []string{"changning", "changning", "changning", "pudong", "pudong", "pudong", "pudong", "minhang", "minhang"},
		kinds: []unitKind{
			{"soe", 3, []string{"airline"}, []string{"中国东方航空股份有限公司{东航部门}"}},
			{"soe", 3, []string{"airline", "office", "commerce"}, []string{"{东航子公司}"}},
		}},
	{name: "光明食品集团团委", short: "光明团委", district: "jingan", weight: 3, groups: 25, est: [2]int{1995, 2006},
		locate: []string{"chongming", "chongming", "chongming", "fengxian", "pudong", "minhang", "baoshan", "jinshan", "songjiang", "putuo", "jingan"},
		kinds: []unitKind{
			{"soe", 4, []string{"food"}, []string{"{光明子公司}", "光明乳业股份有限公司{光明工厂}"}},
			{"soe", 1, []string{"commerce"}, []string{"上海农工商超市（集团）有限公司", "上海{字号}{商贸行业}有限公司"}},
		}},
	{name: "市教育团工委", short: "教育团工委", district: "huangpu", weight: 4, groups: 10, est: [2]int{1983, 1999},
		locate: []string{"yangpu", "yangpu", "yangpu", "minhang", "minhang", "minhang", "songjiang", "songjiang", "songjiang", "xuhui",
			"xuhui", "putuo", "pudong", "pudong", "jiading", "fengxian", "changning", "hongkou"},
		kinds: []unitKind{
			{"institution", 4, []string{"education"}, []string{"{高校}"}},
			{"institution", 3, []string{"education"}, []string{"{市属中学}"}},
			{"institution", 1, []string{"office"}, []string{"{教育直属}"}},
		}},
}

// lines returns every committee directly under the root: the sixteen
// district committees in org.Districts order, then the system committees.
func lines() []line {
	out := make([]line, 0, len(districts)+len(systemLines))
	for _, d := range districts {
		out = append(out, line{name: d.name + "团委", short: d.short + "团委", level: org.LevelDistrict, district: d.key,
			weight: d.weight, kinds: districtKinds, est: [2]int{1950, 1958}})
	}
	out[districtIndex("pudong")].est = [2]int{1993, 1993} // the new area was founded in 1993
	for _, s := range systemLines {
		s.level = org.LevelSystem
		out = append(out, s)
	}
	return out
}
