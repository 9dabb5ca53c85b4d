package person_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/org"
	"qinggong/internal/person"
)

// csvFile writes a CSV roster: a header, then rows.
func csvFile(t *testing.T, header []string, rows ...[]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(header); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// dryRun uploads data and waits for its dry run.
func (f *fixture) dryRun(t *testing.T, by *auth.Actor, data []byte, opt person.ImportOptions) *person.Job {
	t.Helper()
	j, err := f.people.StartImport(f.ctx, by, "roster.csv", data, opt)
	if err != nil {
		t.Fatalf("start import: %v", err)
	}
	// Until the dry run has counted, the total is the file's estimate (its
	// non-empty lines here), for the progress bar.
	if lines := bytes.Count(bytes.TrimSpace(data), []byte("\n")); j.Total != lines {
		t.Fatalf("started job's total = %d, want the file's %d rows", j.Total, lines)
	}
	f.people.WaitImports()
	if j, err = f.people.ImportJob(f.ctx, by, j.ID); err != nil {
		t.Fatal(err)
	}
	if j.Status != person.JobChecked {
		t.Fatalf("dry run ended %s (%s)", j.Status, j.Error)
	}
	return j
}

// confirm writes a checked import and waits for it.
func (f *fixture) confirm(t *testing.T, by *auth.Actor, j *person.Job) *person.Job {
	t.Helper()
	if _, err := f.people.ConfirmImport(f.ctx, by, j.ID); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	f.people.WaitImports()
	j, err := f.people.ImportJob(f.ctx, by, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != person.JobDone {
		t.Fatalf("import ended %s (%s)", j.Status, j.Error)
	}
	return j
}

func (f *fixture) changes(t *testing.T, by *auth.Actor, j *person.Job, phase string) []person.RowChange {
	t.Helper()
	out, err := f.people.ImportChanges(f.ctx, by, j.ID, phase, 0, 500)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// full registers a person with every field filled in.
func (f *fixture) full(t *testing.T, name string, at *org.Org) *person.Person {
	t.Helper()
	in := f.input(name, at)
	in.Email, in.Ethnicity, in.Education, in.Political, in.LeagueJoined = "a@example.com", "汉族", "大专", person.League, "2014-05-04"
	in.Employer, in.Job, in.Trade, in.SkillLevel, in.Title = "上海某机械厂", "装配", "钳工", 4, "助理工程师"
	in.Tags, in.Notes = []string{person.TagMigrant, "骨干"}, "备注"
	return f.create(t, f.admin, in)
}

// record is a person as stored, with the phone's keyed hash (the masked
// form alone could hide a change).
func (f *fixture) record(t *testing.T, id int64) (person.Person, string) {
	t.Helper()
	p, err := f.people.Get(f.ctx, f.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	var hash []byte
	if err := f.d.R().QueryRowContext(f.ctx, `SELECT phone_hash FROM people WHERE id = $1`, id).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	return *p, fmt.Sprintf("%x", hash)
}

// Issue 14's report: a three-column file naming a registered person with
// the same name and organization changes nothing at all, and says so.
func TestImportAbsentColumnsChangeNothing(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.full(t, "全字段", f.b1)
		before, phone := f.record(t, p.ID)
		id, _ := f.people.Reveal(f.ctx, f.admin, p.ID)
		data := csvFile(t, []string{"姓名", "身份证号", "组织编码"}, []string{"全字段", id.IDNumber, f.b1.Code})
		for _, clear := range []bool{false, true} {
			j := f.dryRun(t, f.cadre1, data, person.ImportOptions{ClearEmpty: clear})
			if j.PlanCreated != 0 || j.PlanUpdated != 0 || j.PlanUnchanged != 1 || j.PlanTransfers != 0 || j.Accepted != 1 {
				t.Fatalf("clear=%t: dry run = %+v, want 1 unchanged", clear, j)
			}
			j = f.confirm(t, f.cadre1, j)
			if j.Created != 0 || j.Updated != 0 || j.Unchanged != 1 || j.Transfers != 0 {
				t.Fatalf("clear=%t: import = %+v, want 1 unchanged", clear, j)
			}
			after, phoneAfter := f.record(t, p.ID)
			if !reflect.DeepEqual(before, after) || phone != phoneAfter {
				t.Fatalf("clear=%t: record changed:\n before %+v\n after  %+v", clear, before, after)
			}
		}
	})
}

// An empty cell in a column the file has leaves the field, unless the
// importer chose that empty cells clear; the dry run lists each change
// field by field, old → new, and the write makes exactly those, each
// person's with an audit record naming the fields and no values.
func TestImportEmptyCellsAndChanges(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.full(t, "空单元格", f.b1)
		before, phone := f.record(t, p.ID)
		id, _ := f.people.Reveal(f.ctx, f.admin, p.ID)
		header := []string{"姓名", "身份证号", "组织编码", "手机号", "工种", "标签", "民族"}
		data := csvFile(t, header, []string{"空单元格", id.IDNumber, f.b1.Code, "", "焊工", "", "回族"})

		j := f.dryRun(t, f.cadre1, data, person.ImportOptions{})
		if j.PlanUpdated != 1 || j.PlanUnchanged != 0 {
			t.Fatalf("dry run = %+v, want 1 updated", j)
		}
		want := []person.Change{{Field: "ethnicity", Old: "汉族", New: "回族"}, {Field: "trade", Old: "钳工", New: "焊工"}}
		got := f.changes(t, f.cadre1, j, "check")
		if len(got) != 1 || got[0].PersonID != p.ID || got[0].Row != 2 || !sameChanges(got[0].Changes, want) || got[0].Transfer != "" {
			t.Fatalf("dry-run changes = %+v, want %v", got, want)
		}
		mark := f.mark(t)
		j = f.confirm(t, f.cadre1, j)
		if j.Updated != 1 || j.Created != 0 || j.Unchanged != 0 {
			t.Fatalf("import = %+v", j)
		}
		if done := f.changes(t, f.cadre1, j, "import"); !reflect.DeepEqual(done, got) {
			t.Fatalf("import did %+v, dry run promised %+v", done, got)
		}
		after, phoneAfter := f.record(t, p.ID)
		if after.Trade != "焊工" || after.Ethnicity != "回族" || phoneAfter != phone || !slices.Equal(after.Tags, before.Tags) ||
			after.Employer != before.Employer || after.Political != before.Political {
			t.Fatalf("after = %+v", after)
		}
		audit := f.auditSince(t, mark)
		wantLine := fmt.Sprintf("person.import.update %d job=%d row=2 fields=ethnicity,trade", p.ID, j.ID)
		if !slices.Contains(audit, wantLine) {
			t.Fatalf("audit = %q, want a line %q", audit, wantLine)
		}
		for _, line := range audit {
			if strings.Contains(line, "焊工") || strings.Contains(line, "回族") {
				t.Fatalf("audit line holds a value: %q", line)
			}
		}

		// Empty cells clear when asked: the phone and tags go, the rest stays.
		j = f.dryRun(t, f.cadre1, data, person.ImportOptions{ClearEmpty: true})
		got = f.changes(t, f.cadre1, j, "check")
		want = []person.Change{{Field: "phone", Old: before.PhoneMasked, New: ""}, {Field: "tags", Old: ",migrant,骨干,", New: ""}}
		if len(got) != 1 || !sameChanges(got[0].Changes, want) {
			t.Fatalf("clearing dry run = %+v, want %v", got, want)
		}
		f.confirm(t, f.cadre1, j)
		after, phoneAfter = f.record(t, p.ID)
		if after.PhoneMasked != "" || len(after.Tags) != 0 || after.Trade != "焊工" || after.Employer != before.Employer {
			t.Fatalf("after clearing = %+v (phone hash %s)", after, phoneAfter)
		}
		if n := f.count(t, `SELECT count(*) FROM person_tags WHERE person_id = $1`, p.ID); n != 0 {
			t.Fatalf("%d tag rows left", n)
		}
	})
}

func sameChanges(got, want []person.Change) bool {
	norm := func(cs []person.Change) []person.Change {
		out := slices.Clone(cs)
		for i := range out {
			if out[i].Field == "tags" {
				out[i].Old, out[i].New = tagsKey(out[i].Old), tagsKey(out[i].New)
			}
		}
		slices.SortFunc(out, func(a, b person.Change) int { return strings.Compare(a.Field, b.Field) })
		return out
	}
	return reflect.DeepEqual(norm(got), norm(want))
}

// tagsKey reads a tag list however it is joined.
func tagsKey(s string) string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// A row placing a registered person in another organization of the
// importer's scope asks for a transfer, which the receiving side approves;
// the import neither moves nor renames them silently: a new name is a
// listed change.
func TestImportOtherOrganizationRequestsTransfer(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.full(t, "调动人", f.b1)
		id, _ := f.people.Reveal(f.ctx, f.admin, p.ID)
		data := csvFile(t, []string{"姓名", "身份证号", "组织编码"}, []string{"调动人甲", id.IDNumber, f.u1.Code})
		j := f.dryRun(t, f.cadre1, data, person.ImportOptions{})
		if j.PlanTransfers != 1 || j.PlanUpdated != 1 {
			t.Fatalf("dry run = %+v, want 1 transfer and 1 update", j)
		}
		got := f.changes(t, f.cadre1, j, "check")
		if len(got) != 1 || got[0].Transfer != person.TransferRequested || got[0].TransferTo != f.u1.ID || got[0].ToOrgName != f.u1.Name ||
			!sameChanges(got[0].Changes, []person.Change{{Field: "name", Old: "调动人", New: "调动人甲"}}) {
			t.Fatalf("dry-run changes = %+v", got)
		}
		j = f.confirm(t, f.cadre1, j)
		if j.Transfers != 1 || j.Updated != 1 {
			t.Fatalf("import = %+v", j)
		}
		after, _ := f.record(t, p.ID)
		if after.OrgID != f.b1.ID || after.Name != "调动人甲" {
			t.Fatalf("after = org %d name %s, want still at B1, renamed", after.OrgID, after.Name)
		}
		trs, err := f.people.Transfers(f.ctx, f.admin, person.TransferFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(trs) != 1 || trs[0].PersonID != p.ID || trs[0].ToOrgID != f.u1.ID || trs[0].Status != person.TransferPending ||
			!strings.Contains(trs[0].Reason, "roster.csv") {
			t.Fatalf("transfers = %+v", trs)
		}
		// Again: one is pending, so no second request, and it says so.
		j = f.dryRun(t, f.cadre1, data, person.ImportOptions{})
		if j.PlanTransfers != 0 || j.PlanUnchanged != 1 {
			t.Fatalf("second dry run = %+v", j)
		}
		if got := f.changes(t, f.cadre1, j, "check"); len(got) != 1 || got[0].Transfer != person.TransferAlreadyOpen {
			t.Fatalf("second dry-run changes = %+v", got)
		}
		f.confirm(t, f.cadre1, j)
		if trs, _ := f.people.Transfers(f.ctx, f.admin, person.TransferFilter{}); len(trs) != 1 {
			t.Fatalf("%d transfers after re-import, want 1", len(trs))
		}
		// Approval moves them.
		if _, err := f.people.ApproveTransfer(f.ctx, f.cadre1, trs[0].ID, ""); err != nil {
			t.Fatal(err)
		}
		if after, _ := f.record(t, p.ID); after.OrgID != f.u1.ID {
			t.Fatalf("after approval at %d", after.OrgID)
		}
	})
}

// The property of issue 14: for random registered people and random files
// (any subset of the columns, random values, empty cells, either clearing
// choice), no field outside the file's columns ever changes, an empty cell
// changes nothing unless clearing was chosen, nobody changes organization,
// and the write does exactly what the dry run listed.
func TestImportPropertyOnlyGivenFieldsChange(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		rng := rand.New(rand.NewPCG(14, 2026))
		orgs := []*org.Org{f.d1, f.u1, f.g1, f.b1}
		const people = 12
		ids := make([]int64, people)
		numbers := make([]string, people)
		for i := range people {
			p := f.full(t, fmt.Sprintf("随机%02d", i), orgs[rng.IntN(len(orgs))])
			ids[i] = p.ID
			r, _ := f.people.Reveal(f.ctx, f.admin, p.ID)
			numbers[i] = r.IDNumber
		}
		optional := []string{"性别", "出生日期", "手机号", "电子邮箱", "民族", "学历", "政治面貌", "入团日期", "工作单位", "岗位", "工种",
			"技能等级", "职称", "标签", "状态", "备注"}
		field := map[string]string{"性别": "gender", "出生日期": "birth_date", "手机号": "phone", "电子邮箱": "email", "民族": "ethnicity",
			"学历": "education", "政治面貌": "political", "入团日期": "league_joined", "工作单位": "employer", "岗位": "job", "工种": "trade",
			"技能等级": "skill_level", "职称": "title", "标签": "tags", "状态": "status", "备注": "notes"}
		values := map[string][]string{"手机号": {f.phone(), f.phone()}, "电子邮箱": {"b@example.com", "bad-mail"},
			"民族": {"汉族", "满族"}, "学历": {"本科", "大专"}, "政治面貌": {"群众", "共青团员", "中共党员"}, "入团日期": {"2015-05-04", "2016-01-01"},
			"工作单位": {"新单位", "上海某机械厂"}, "岗位": {"质检", "装配"}, "工种": {"电工", "钳工"}, "技能等级": {"三级/高级工", "四级"},
			"职称": {"工程师", ""}, "标签": {"青年建设者", "外来务工青年,骨干"}, "状态": {"在册", "调离"}, "备注": {"新备注", "备注"}}
		var updated, transfers, rejected int
		for round := range 6 {
			var header []string
			header = append(header, "姓名", "身份证号", "组织编码")
			for _, h := range optional {
				if rng.IntN(2) == 0 {
					header = append(header, h)
				}
			}
			clear := rng.IntN(2) == 0
			before := map[int64]person.Person{}
			phones := map[int64]string{}
			var rows [][]string
			empty := map[int64]map[string]bool{} // person → fields whose cell is empty
			for i := range people {
				p, ph := f.record(t, ids[i])
				before[p.ID], phones[p.ID] = p, ph
				if rng.IntN(3) == 0 {
					continue // not in this file
				}
				name := p.Name
				if rng.IntN(4) == 0 {
					name = fmt.Sprintf("随机%02d改%d", i, round)
				}
				row := []string{name, numbers[i], orgs[rng.IntN(len(orgs))].Code}
				empty[p.ID] = map[string]bool{}
				for _, h := range header[3:] {
					v := ""
					switch {
					case h == "性别" || h == "出生日期":
						v = "" // derived from the ID number; filled in, they must agree
					case rng.IntN(3) == 0:
					default:
						vs := values[h]
						v = vs[rng.IntN(len(vs))]
					}
					if v == "" {
						empty[p.ID][field[h]] = true
					}
					row = append(row, v)
				}
				rows = append(rows, row)
			}
			data := csvFile(t, header, rows...)
			j := f.dryRun(t, f.cadre1, data, person.ImportOptions{ClearEmpty: clear})
			promised := f.changes(t, f.cadre1, j, "check")
			j = f.confirm(t, f.cadre1, j)
			if j.Created != 0 || j.Created != j.PlanCreated || j.Updated != j.PlanUpdated || j.Unchanged != j.PlanUnchanged ||
				j.Transfers != j.PlanTransfers {
				t.Fatalf("round %d: import %+v differs from its dry run", round, j)
			}
			if done := f.changes(t, f.cadre1, j, "import"); !reflect.DeepEqual(done, promised) {
				t.Fatalf("round %d: import did %+v, dry run promised %+v", round, done, promised)
			}
			updated, transfers, rejected = updated+j.Updated, transfers+j.Transfers, rejected+j.Rejected
			inFile := map[string]bool{"name": true}
			for _, h := range header[3:] {
				inFile[field[h]] = true
			}
			for _, id := range ids {
				after, ph := f.record(t, id)
				b := before[id]
				if after.OrgID != b.OrgID {
					t.Fatalf("round %d: person %d moved from %d to %d by import", round, id, b.OrgID, after.OrgID)
				}
				for name, pair := range personFields(b, phones[id], after, ph) {
					given := inFile[name] && empty[id] != nil && (!empty[id][name] || (clear && clearable(name)))
					if !given && pair[0] != pair[1] {
						t.Fatalf("round %d (clear=%t, columns %v): person %d's %s changed %q → %q", round, clear, header, id, name, pair[0], pair[1])
					}
				}
			}
		}
		// The files must have exercised every path for the property to mean anything.
		if updated == 0 || transfers == 0 || rejected == 0 {
			t.Fatalf("rounds made %d updates, %d transfers, %d refusals: the property was not exercised", updated, transfers, rejected)
		}
	})
}

// clearable mirrors the fields an empty cell may clear.
func clearable(field string) bool {
	switch field {
	case "name", "gender", "birth_date", "skill_level", "status":
		return false
	}
	return true
}

// personFields pairs every imported field's value before and after.
func personFields(b person.Person, bPhone string, a person.Person, aPhone string) map[string][2]string {
	return map[string][2]string{
		"name": {b.Name, a.Name}, "gender": {b.Gender, a.Gender}, "birth_date": {b.BirthDate, a.BirthDate},
		"phone": {bPhone, aPhone}, "email": {b.Email, a.Email}, "ethnicity": {b.Ethnicity, a.Ethnicity},
		"education": {b.Education, a.Education}, "political": {b.Political, a.Political},
		"league_joined": {b.LeagueJoined, a.LeagueJoined}, "employer": {b.Employer, a.Employer}, "job": {b.Job, a.Job},
		"trade": {b.Trade, a.Trade}, "skill_level": {fmt.Sprint(b.SkillLevel), fmt.Sprint(a.SkillLevel)},
		"title": {b.Title, a.Title}, "tags": {strings.Join(b.Tags, ","), strings.Join(a.Tags, ",")},
		"status": {b.Status, a.Status}, "notes": {b.Notes, a.Notes},
	}
}

// Rosters name the organization (所在组织): a name resolves within the
// importer's scope, the full name first, then the short name; an unknown
// or ambiguous one refuses the row naming the candidates, never an
// organization outside the scope; a file lacking the columns says which.
func TestImportByOrganizationName(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		mk := func(parent *org.Org, name, short, code string) *org.Org {
			o, err := f.orgs.Create(f.ctx, f.admin, parent.ID, org.Input{Name: name, ShortName: short, Code: code, Level: org.LevelBranch})
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		full := mk(f.g1, "上海某机械厂团支部", "机械厂团支部", "JX-1")
		mk(f.u1, "重名团支部", "", "CM-1")
		mk(f.g1, "重名团支部", "", "CM-2")
		outside := mk(f.u2, "区外团支部", "外支", "WZ-1")
		mk(f.u2, "机械厂团支部", "", "OUT-2") // same as full's short name, outside D1: not a candidate
		header := []string{"姓名", "身份证号", "所在组织"}
		data := csvFile(t, header,
			[]string{"全称", f.idNumber("19990315", true), "上海某机械厂团支部"},
			[]string{"简称", f.idNumber("19990315", true), "机械厂团支部"},
			[]string{"重名", f.idNumber("19990315", true), "重名团支部"},
			[]string{"区外", f.idNumber("19990315", true), outside.Name},
			[]string{"未知", f.idNumber("19990315", true), "没有这个组织"},
			[]string{"空白", f.idNumber("19990315", true), ""},
		)
		j := f.dryRun(t, f.cadre1, data, person.ImportOptions{})
		if j.Accepted != 2 || j.Rejected != 4 || j.PlanCreated != 2 {
			t.Fatalf("dry run = %+v, want 2 accepted, 4 refused", j)
		}
		rejects, err := f.people.ImportRejects(f.ctx, f.cadre1, j.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]person.Reason{
			"重名": {Field: "org_name", Key: "err.org_ambiguous", Arg: "重名团支部（CM-1）、重名团支部（CM-2）"},
			"区外": {Field: "org_name", Key: "err.org_unknown_name"},
			"未知": {Field: "org_name", Key: "err.org_unknown_name"},
			"空白": {Field: "org_code", Key: "err.org_required"},
		}
		for _, r := range rejects {
			if len(r.Reasons) != 1 || r.Reasons[0] != want[r.Name] {
				t.Errorf("row %d %s: reasons %+v, want %+v", r.Row, r.Name, r.Reasons, want[r.Name])
			}
		}
		f.confirm(t, f.cadre1, j)
		got, err := f.people.Find(f.ctx, f.admin, person.Filter{Under: full.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.People) != 2 {
			t.Fatalf("%d people at %s, want 2 (full and short name)", len(got.People), full.Name)
		}

		// A code wins over a name; full-width digits and grouping in ID numbers are read.
		id := f.idNumber("20000101", false)
		wide := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r - '0' + '０'
			}
			return r
		}, id[:6]+" "+id[6:14]+"-"+id[14:])
		data = csvFile(t, []string{"姓名", "身份证号", "所在组织", "组织编码"}, []string{"宽字符", wide, "没有这个组织", f.b1.Code})
		j = f.dryRun(t, f.cadre1, data, person.ImportOptions{})
		if j.Accepted != 1 {
			rejects, _ := f.people.ImportRejects(f.ctx, f.cadre1, j.ID, 0, 10)
			t.Fatalf("dry run = %+v, rejects %+v", j, rejects)
		}

		// Missing columns are named, and only those.
		_, err = f.people.StartImport(f.ctx, f.cadre1, "bad.csv", csvFile(t, []string{"姓名", "手机号"}, []string{"x", "13800138000"}),
			person.ImportOptions{})
		wantFields(t, err, map[string]string{"file": "err.import_columns", "column.id_number": "err.import_column",
			"column.org_code": "err.import_column"})
	})
}

// An export (identifiers revealed) imported again as it is changes
// nobody: it has the template's columns, each in its place.
func TestExportReimportChangesNothing(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		var ids []int64
		for i, o := range []*org.Org{f.b1, f.u1, f.g1} {
			ids = append(ids, f.full(t, fmt.Sprintf("往返%d", i), o).ID)
		}
		plain := f.create(t, f.admin, f.input("只有必填", f.b1))
		ids = append(ids, plain.ID)
		before := map[int64]person.Person{}
		for _, id := range ids {
			before[id], _ = f.record(t, id)
		}
		ex, err := f.people.Export(f.ctx, f.admin, person.Filter{Under: f.d1.ID}, true)
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(ex)
		ex.Close()
		if err != nil {
			t.Fatal(err)
		}
		j, err := f.people.StartImport(f.ctx, f.admin, "export.xlsx", data, person.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		f.people.WaitImports()
		if j, err = f.people.ImportJob(f.ctx, f.admin, j.ID); err != nil {
			t.Fatal(err)
		}
		if j.Status != person.JobChecked || j.Accepted != len(ids) || j.PlanUnchanged != len(ids) {
			rejects, _ := f.people.ImportRejects(f.ctx, f.admin, j.ID, 0, 10)
			changes := f.changes(t, f.admin, j, "check")
			t.Fatalf("re-imported export: %+v\nrejects %+v\nchanges %+v", j, rejects, changes)
		}
		f.confirm(t, f.admin, j)
		for _, id := range ids {
			if after, _ := f.record(t, id); !reflect.DeepEqual(after, before[id]) {
				t.Fatalf("person %d changed:\n%+v\n%+v", id, before[id], after)
			}
		}
	})
}
