package person

import (
	"slices"
	"strconv"
	"strings"

	"qinggong/internal/errs"
	"qinggong/internal/pii"
	"qinggong/internal/sheet"
)

// column is one column of the import template: its field, the Chinese
// header of the template, and other headers accepted for it.
type column struct {
	field   string
	header  string
	aliases []string
	example string
}

// Columns is the import template, in order. The Chinese headers are what
// unit committees' rosters already use; English field names work too.
var Columns = []column{
	{"name", "姓名", []string{"名字"}, "张三"},
	{"id_number", "身份证号", []string{"身份证号码", "公民身份号码", "居民身份证号"}, "310115200001011237"},
	{"org_code", "组织编码", []string{"团组织编码", "所在组织编码"}, ""},
	{"org_name", "所在组织", []string{"组织名称", "团组织", "所在团组织", "团组织名称"}, "浦东新区某某机械有限公司团委"},
	{"gender", "性别", nil, "男"},
	{"birth_date", "出生日期", []string{"出生年月日"}, "2000-01-01"},
	{"phone", "手机号", []string{"手机", "手机号码", "联系电话"}, "13800138000"},
	{"email", "电子邮箱", []string{"邮箱"}, ""},
	{"ethnicity", "民族", nil, "汉族"},
	{"education", "学历", []string{"文化程度"}, "大专"},
	{"political", "政治面貌", nil, "共青团员"},
	{"league_joined", "入团日期", []string{"入团时间"}, "2015-05-04"},
	{"employer", "工作单位", []string{"单位"}, "上海某某机械有限公司"},
	{"job", "岗位", []string{"职务"}, "装配"},
	{"trade", "工种", nil, "钳工"},
	{"skill_level", "技能等级", []string{"职业技能等级"}, "四级/中级工"},
	{"skill_date", "取证日期", []string{"发证日期"}, "2023-06-30"},
	{"skill_body", "发证机构", []string{"认定机构"}, "上海市职业技能鉴定中心"},
	{"title", "职称", []string{"专业技术职称"}, ""},
	{"tags", "标签", nil, "外来务工青年"},
	{"status", "状态", nil, "在册"},
	{"notes", "备注", nil, ""},
}

// required are the columns an import file must have; the organization
// may be given by code or by name (either column will do).
var required = [][]string{{"name"}, {"id_number"}, {"org_code", "org_name"}}

// TemplateHeader is the template's header row.
func TemplateHeader() []string {
	out := make([]string, len(Columns))
	for i, c := range Columns {
		out[i] = c.header
	}
	return out
}

// TemplateExample is the example row of the template.
func TemplateExample() []string {
	out := make([]string, len(Columns))
	for i, c := range Columns {
		out[i] = c.example
	}
	return out
}

// TextColumns are the template columns formatted as text, so that an ID
// number, a code or a phone typed into them is not turned into a number.
func TextColumns() []int {
	return []int{fieldOrder("id_number"), fieldOrder("org_code"), fieldOrder("phone")}
}

// headerMap maps each field to its column index in the file's header;
// the required columns it lacks are reported by field (for the code or
// name of the organization, as org_code).
func headerMap(header []string) (map[string]int, errs.Fields) {
	m := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(h), "*"))
		for _, c := range Columns {
			if h == c.header || h == c.field || strings.EqualFold(h, c.field) || slices.Contains(c.aliases, h) {
				if _, dup := m[c.field]; !dup {
					m[c.field] = i
				}
			}
		}
	}
	var f errs.Fields
	for _, any := range required {
		if !slices.ContainsFunc(any, func(field string) bool { _, ok := m[field]; return ok }) {
			f.Add(any[0], "err.import_column")
		}
	}
	return m, f
}

// orgCell is a row's organization as the roster gives it.
type orgCell struct{ code, name string }

// rowInput reads one row into an Input, the organization code, and the
// fields the row gives: a column the file has, with a value in this row
// (or, when the importer chose that empty cells clear, an empty cell of a
// clearable field). Cell problems (formulas, over-long cells, unknown
// words) are field messages.
func rowInput(row sheet.Row, cols map[string]int, clearEmpty bool) (Input, orgCell, fields, errs.Fields) {
	var f errs.Fields
	var given fields
	get := func(field string) string {
		i, ok := cols[field]
		if !ok || i >= len(row.Cells) {
			if ok && clearEmpty && clearable[field] {
				given.add(field)
			}
			return ""
		}
		c := row.Cells[i]
		switch {
		case c.Formula:
			f.Add(field, "err.import_formula")
			return ""
		case c.TooLong:
			f.Add(field, "err.too_long")
			return ""
		}
		v := strings.TrimSpace(c.Value)
		if v != "" || (clearEmpty && clearable[field]) {
			given.add(field)
		}
		return v
	}
	in := Input{
		Name: get("name"), IDNumber: pii.Number(get("id_number")), BirthDate: get("birth_date"), Phone: pii.Number(get("phone")),
		Email: get("email"), Ethnicity: get("ethnicity"), Education: get("education"), LeagueJoined: get("league_joined"),
		Employer: get("employer"), Job: get("job"), Trade: get("trade"), SkillDate: get("skill_date"), SkillBody: get("skill_body"),
		Title: get("title"), Notes: get("notes"),
	}
	org := orgCell{code: get("org_code"), name: get("org_name")}
	var ok bool
	if in.Gender, ok = word(get("gender"), genderWords); !ok {
		f.Add("gender", "err.invalid")
	}
	if in.Political, ok = word(get("political"), politicalWords); !ok {
		f.Add("political", "err.invalid")
	}
	if in.Status, ok = word(get("status"), statusWords); !ok {
		f.Add("status", "err.invalid")
	}
	if in.SkillLevel, ok = skillWord(get("skill_level")); !ok {
		f.Add("skill_level", "err.skill_level")
	}
	for _, t := range SplitTags(get("tags")) {
		if w, ok := tagWords[t]; ok {
			t = w
		}
		in.Tags = append(in.Tags, t)
	}
	return in, org, given, f
}

var (
	genderWords    = map[string]string{"男": Male, "女": Female, "m": Male, "f": Female, "male": Male, "female": Female}
	politicalWords = map[string]string{"共青团员": League, "团员": League, "中共党员": Party, "党员": Party, "中共预备党员": Party,
		"预备党员": Party, "群众": None, League: League, Party: Party, None: None}
	statusWords = map[string]string{"在册": Active, "在团": Active, "超龄离团": AgedOut, "离团": AgedOut, "调离": Left,
		"离开": Left, "离职": Left, Active: Active, AgedOut: AgedOut, Left: Left}
	tagWords = map[string]string{"外来务工青年": TagMigrant, "外来务工": TagMigrant, "青年建设者": TagBuilder, "建设者": TagBuilder}
	// Skill levels as written on certificates: 五级/初级工 … 一级/高级技师.
	skillWords = map[string]int{"五级": 5, "初级工": 5, "初级": 5, "四级": 4, "中级工": 4, "中级": 4, "三级": 3, "高级工": 3,
		"二级": 2, "技师": 2, "一级": 1, "高级技师": 1, "无": 0}
)

// word maps a cell to a stored value; "" stays "" (the default applies).
func word(s string, words map[string]string) (string, bool) {
	if s == "" {
		return "", true
	}
	v, ok := words[strings.ToLower(s)]
	return v, ok
}

// skillWord reads "4", "四级", "中级工" or "四级/中级工".
func skillWord(s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n, n >= 0 && n <= 5
	}
	level := -1
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '／' || r == '（' || r == '）' || r == '(' || r == ')' }) {
		if n, ok := skillWords[strings.TrimSpace(part)]; ok {
			if level >= 0 && level != n {
				return 0, false
			}
			level = n
		}
	}
	return level, level >= 0
}
