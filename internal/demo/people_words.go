package demo

// The vocabularies of demo people. Weights are relative frequencies.

// weightedWord is a word drawn in proportion to its weight.
type weightedWord struct {
	word   string
	weight int
}

// familyNames are common surnames with their approximate share in tenths of
// a per mille, Shanghai's 沈 陆 顾 a little above the national figures. A few
// read differently as surnames (曾 zēng, 单 shàn, 解 xiè, 仇 qiú, 查 zhā, 区
// ōu, 乐 yuè), so that name search by pinyin initials meets them.
var familyNames = []weightedWord{
	{"王", 71}, {"李", 70}, {"张", 67}, {"刘", 54}, {"陈", 53}, {"杨", 31}, {"黄", 22}, {"赵", 20}, {"吴", 22}, {"周", 19},
	{"徐", 18}, {"孙", 15}, {"马", 14}, {"朱", 15}, {"胡", 13}, {"郭", 11}, {"何", 11}, {"林", 10}, {"高", 10}, {"罗", 9},
	{"郑", 8}, {"梁", 8}, {"谢", 7}, {"宋", 7}, {"唐", 7}, {"许", 6}, {"韩", 6}, {"冯", 6}, {"邓", 6}, {"曹", 6},
	{"彭", 5}, {"曾", 5}, {"肖", 5}, {"田", 5}, {"董", 5}, {"袁", 4}, {"潘", 4}, {"于", 4}, {"蒋", 5}, {"蔡", 4},
	{"余", 4}, {"杜", 4}, {"叶", 5}, {"程", 4}, {"苏", 3}, {"魏", 3}, {"吕", 3}, {"丁", 3}, {"任", 3}, {"沈", 6},
	{"姚", 3}, {"卢", 3}, {"姜", 3}, {"崔", 3}, {"钟", 3}, {"谭", 3}, {"陆", 5}, {"汪", 3}, {"范", 3}, {"金", 3},
	{"顾", 4}, {"钱", 2}, {"施", 2}, {"严", 2}, {"龚", 2}, {"倪", 2}, {"俞", 2}, {"毛", 2}, {"秦", 2}, {"邵", 2},
	{"方", 2}, {"夏", 2}, {"石", 2}, {"贾", 2}, {"戴", 2}, {"孟", 2}, {"汤", 2}, {"陶", 2}, {"江", 2}, {"薛", 2},
	{"单", 1}, {"解", 1}, {"仇", 1}, {"查", 1}, {"区", 1}, {"乐", 1}, {"欧阳", 1}, {"上官", 1}, {"司马", 1},
}

// givenNameChars are common characters of given names; a given name is one
// or two of them.
var givenNameChars = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚华慧建晨宇浩婷雪琳晓欣怡佳嘉俊凯峰颖璐倩莉鑫昊天" +
	"子轩梓涵雨思悦文博一诗梦辰逸心睿航晗瑶蕾昕彤琪旭斌健亮鹏飞帆毅炜雯骏哲铭志国立新春红英玲兰丹" +
	"云海波宁辉永成玉金龙凤振家庆荣德泽宏盛翔奕然安康乐锦程可馨若溪沐阳景瑞晴语桐萱楠婧蓓薇君亦宸皓")

// shanghaiRegions are the administrative codes of Shanghai's districts
// that ID numbers begin with (310115 Pudong the most common).
var shanghaiRegions = []weightedWord{
	{"310101", 6}, {"310104", 7}, {"310105", 4}, {"310106", 6}, {"310107", 6}, {"310109", 5}, {"310110", 7}, {"310112", 9},
	{"310113", 8}, {"310114", 6}, {"310115", 20}, {"310116", 3}, {"310117", 6}, {"310118", 4}, {"310120", 4}, {"310151", 2},
}

// otherRegions are provincial capitals' codes of the provinces most migrant
// workers come from.
var otherRegions = []weightedWord{
	{"340102", 9}, {"410102", 6}, {"510104", 4}, {"360102", 5}, {"430102", 4}, {"320102", 7}, {"330102", 5}, {"420102", 4},
	{"370102", 3}, {"350102", 2}, {"130102", 2}, {"500103", 2}, {"450102", 1}, {"520102", 1}, {"610102", 1}, {"230102", 1},
}

// phonePrefixes are the first three digits of mainland mobile numbers.
var phonePrefixes = []string{"130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
	"153", "155", "156", "157", "158", "159", "166", "173", "177", "180", "181", "182", "183", "185", "186", "187", "188",
	"189", "191", "198", "199"}

// employers are Shanghai employers of young workers, for units whose
// league committee is not itself the employer (bureaus covering an
// industry, social organizations).
var employers = []string{
	"上海电气集团", "上海地铁运营有限公司", "宝武钢铁", "上汽集团", "上海建工", "东方航空技术有限公司", "中国商飞",
	"上海城建集团", "上海隧道工程股份有限公司", "上海华谊集团", "上海仪电集团", "上海医药集团", "华虹集团",
	"上海国际港务集团", "国网上海市电力公司", "上海久事公交集团", "上海强生出租汽车有限公司", "光明食品集团", "百联集团",
	"锦江国际集团", "上海机场集团", "江南造船集团", "沪东中华造船集团", "外高桥造船有限公司", "上海振华重工",
	"中芯国际", "上海华力微电子", "上海燃气集团", "上海城投水务集团", "上海环境集团", "上海申通地铁集团",
	"上海市安装工程集团", "上海市机械施工集团", "上海外服集团", "东方国际集团", "上海烟草集团", "上海三菱电梯有限公司",
	"上海大众交通集团", "中国石化上海石油化工股份有限公司", "上海化学工业区发展有限公司", "顺丰速运上海分公司",
	"上海益民食品一厂", "上海老凤祥有限公司", "上海联华超市股份有限公司",
}

// Weighted draws of the other fields.
var (
	educationWeights = []weightedWord{{"初中", 3}, {"高中", 8}, {"中专", 12}, {"技校", 10}, {"大专", 30}, {"本科", 30},
		{"硕士", 6}, {"博士", 1}}
	ethnicities = []weightedWord{{"汉族", 950}, {"回族", 12}, {"满族", 8}, {"蒙古族", 4}, {"壮族", 6}, {"土家族", 6},
		{"苗族", 5}, {"朝鲜族", 4}, {"彝族", 3}, {"侗族", 2}}
	// Skill levels 5 (entry) … 1 (senior technician) among the certified.
	skillLevels = []int{5, 4, 3, 2, 1}
	skillShares = []int{42, 31, 17, 7, 3}
	// jobs by whether the person has a trade.
	tradeJobs  = []string{"一线操作", "设备维护", "装配", "质量检验", "班组长", "设备检修", "生产调度", "安装调试"}
	officeJobs = map[string][]string{
		"soe":         {"技术员", "工程师", "文员", "业务员", "会计", "行政", "销售", "采购员"},
		"private":     {"技术员", "工程师", "文员", "业务员", "会计", "行政", "销售", "客服", "程序员"},
		"foreign":     {"技术员", "工程师", "文员", "会计", "行政", "销售", "翻译"},
		"bureau":      {"科员", "文员", "行政", "执法队员", "窗口服务"},
		"institution": {"教师", "护士", "医生", "研究员", "行政", "会计", "辅导员"},
		"social":      {"社区工作者", "社工", "文员", "项目专员"},
		"other":       {"文员", "行政", "业务员"},
	}
	titles        = []weightedWord{{"", 80}, {"助理工程师", 9}, {"工程师", 5}, {"技术员", 4}, {"经济师", 1}, {"高级工程师", 1}}
	serviceTrades = []string{"育婴员", "养老护理员", "美容师", "西式面点师", "中式烹调师", "快递员", "网约配送员"}
	freeTags      = []string{"技术能手", "青年突击队", "岗位能手", "青年志愿者", "五四奖章", "劳动模范", "首席技师"}
	skillBody     = "上海市职业技能鉴定中心"
)

// unitPeople is the relative headcount of a unit committee by unit type,
// before its own size factor.
var unitPeople = map[string]int{"soe": 60, "private": 25, "foreign": 35, "bureau": 30, "institution": 40, "social": 8, "other": 10}

// wordWeights returns the weights of list, for gen.weighted.
func wordWeights(list []weightedWord) []int {
	out := make([]int, len(list))
	for i, w := range list {
		out[i] = w.weight
	}
	return out
}
