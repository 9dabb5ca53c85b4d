package e2e

import (
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"qinggong/internal/app/apptest"
)

// roster is one row of an import file, in the template's Chinese columns.
type roster struct {
	name, id, org, gender, phone, political, joined, employer, job, trade, skill, skillDate, skillBody, tags string
}

var rosterHeader = []string{"姓名", "身份证号", "组织编码", "性别", "手机号", "政治面貌", "入团日期", "工作单位", "岗位", "工种",
	"技能等级", "取证日期", "发证机构", "标签"}

func (r roster) cells() []string {
	return []string{r.name, r.id, r.org, r.gender, r.phone, r.political, r.joined, r.employer, r.job, r.trade, r.skill,
		r.skillDate, r.skillBody, r.tags}
}

// writeRoster writes rows as a UTF-8 CSV file (quoted where a cell holds a comma).
func writeRoster(t *testing.T, dir, name string, rows []roster) string {
	t.Helper()
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	_ = w.Write(rosterHeader)
	for _, r := range rows {
		_ = w.Write(r.cells())
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeCSV writes rows, the header first, as a UTF-8 CSV file.
func writeCSV(t *testing.T, p string, rows [][]string) {
	t.Helper()
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// badCheck is id with a wrong check character.
func badCheck(id string) string {
	const chars = "0123456789X"
	i := strings.IndexByte(chars, id[17])
	return id[:17] + string(chars[(i+1)%len(chars)])
}

// acceptDialogs accepts every JavaScript dialog of the tab (the
// data-confirm forms call window.confirm) and returns the messages seen.
func (b *browser) acceptDialogs() func() []string {
	var mu sync.Mutex
	var seen []string
	events := chromedp.Events(b.ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			mu.Lock()
			seen = append(seen, ev.Message)
			mu.Unlock()
			if _, err := chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true}); err != nil && b.ctx.Err() == nil {
				b.t.Errorf("accept dialog %q: %v", ev.Message, err)
			}
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen)
	}
}

// eval evaluates a JavaScript expression.
func eval[T any](b *browser, what, js string) T {
	b.t.Helper()
	return get(b, what, chromedp.Evaluate[T](js))
}

// TestPeopleJourney is issue 3's browser journey: a district's organization
// admin imports a roster with errors, reads the report, confirms, fixes the
// rejected rows and imports again without duplicates, searches the list and
// opens a person's growth record, on a desktop, a phone and in English.
func TestPeopleJourney(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Skip("chromium not found on PATH")
	}
	began := time.Now()
	e := apptest.New(t, "sqlite")
	b := startBrowser(t, e.Server.URL)
	dialogs := b.acceptDialogs()

	// The rosters. Young workers born around 2003; 孙建国 (born 1998-01-01)
	// is a league member of 28.
	const young = 1_825_000
	zhang := roster{"张三", apptest.IDNumber(young + 1), "FX-U1", "男", "13800138001", "共青团员", "2018-05-04",
		"上海申通地铁集团有限公司第三运营分公司车辆检修中心", "检修", "钳工", "四级/中级工", "2023-06-30", "上海市职业技能鉴定中心", "外来务工青年"}
	li := roster{"李四", apptest.IDNumber(young + 3), "FX-B1", "男", "13800138002", "群众", "",
		"上海电气集团股份有限公司", "电工班组长", "电工", "三级/高级工", "2022-11-15", "上海电气职业技能等级认定中心", ""}
	wangXM := roster{"王小明", apptest.IDNumber(young + 5), "FX-U1", "男", "13800138003", "共青团员", "2019-05-04",
		"上海外高桥造船有限公司", "焊接", "焊工", "中级工", "2024-03-01", "上海市职业技能鉴定中心", "青年建设者"}
	zhao := roster{"赵丽", apptest.IDNumber(young + 1002), "FX-U1", "女", "13800138004", "共青团员", "2018-05-04",
		"上海机床厂有限公司", "操作工", "车工", "五级/初级工", "", "", ""}
	chen := roster{"陈静", apptest.IDNumber(young + 2004), "FX-B1", "女", "13800138005", "中共党员", "",
		"上海机床厂有限公司", "编程", "数控车工", "", "", "", ""}
	liu := roster{"刘洋", apptest.IDNumber(young + 3005), "FX-U1", "男", "13800138006", "共青团员", "2017-05-04",
		"上海地铁第一运营有限公司", "司机", "地铁列车司机", "", "", "", "外来务工青年"}
	zhou := roster{"周敏", apptest.IDNumber(young + 4006), "FX-U1", "女", "13900139004", "共青团员", "2018-05-04",
		"上海华谊集团", "化工操作", "化工总控工", "四级", "2025-01-10", "上海市职业技能鉴定中心", ""}
	sun := roster{"孙建国", apptest.IDNumber(7), "FX-U1", "男", "13800138008", "共青团员", "2012-05-04",
		"上海隧道工程有限公司", "盾构", "盾构机操作工", "", "", "", "青年建设者"}
	wangF := roster{"王芳", apptest.IDNumber(young + 5008), "FX-B1", "女", "13800138009", "共青团员", "2018-05-04",
		"上海建工一建集团", "施工员", "砌筑工", "五级/初级工", "2021-07-01", "上海建工职业技能等级认定中心", "外来务工青年,青年建设者"}

	bad := func(r roster, change func(*roster)) roster { change(&r); return r }
	dir := t.TempDir()
	first := writeRoster(t, dir, "团员青年名册-第一批.csv", []roster{
		zhang, // row 2
		li,    // row 3
		bad(wangXM, func(r *roster) { r.id = badCheck(r.id) }), // row 4: check digit
		bad(zhao, func(r *roster) { r.org = "FX-NOPE" }),       // row 5: unknown organization
		bad(chen, func(r *roster) { r.org = "FX-B2" }),         // row 6: D2's branch, outside D1
		bad(liu, func(r *roster) { r.id = zhang.id }),          // row 7: 张三's ID again
		bad(zhou, func(r *roster) { r.phone = "1390013900" }),  // row 8: ten digits
		sun,   // row 9: league member aged 28
		wangF, // row 10
	})
	second := writeRoster(t, dir, "团员青年名册-更正.csv", []roster{
		wangXM, zhao, chen, liu, zhou,
		bad(zhang, func(r *roster) { // changed: a new phone, and a level certified since
			r.phone, r.skill, r.skillDate = "13600136001", "三级/高级工", "2026-06-30"
		}),
		li, // unchanged
	})

	// Log in as D1's organization admin.
	b.run("desktop viewport", desktop())
	b.open("/login", "#login")
	b.run("log in",
		chromedp.SendKeys(chromedp.CSS("#login"), "org_admin_d1"),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	b.waitPage("home after login", "p !== '/login'")

	// 1. The empty registry.
	b.open("/people", "#count")
	if h := b.text("main h1"); h != "青年名册" {
		t.Errorf("list heading = %q", h)
	}
	if c := b.text("#count"); c != "共 0 人" {
		t.Errorf("empty count = %q, want 共 0 人", c)
	}
	if s := b.text("main p.empty"); !strings.Contains(s, "没有符合条件的青年") {
		t.Errorf("empty state = %q", s)
	}
	b.shot("people-empty")

	// 2. The import page, its template, a roster with errors.
	b.run("open import", chromedp.Click(chromedp.CSS(`main .actions a[href="/people/import"]`)))
	b.waitPage("import page", "p === '/people/import'")
	b.run("import form", chromedp.WaitVisible(chromedp.CSS("#file")))
	if l := b.text(`a[href="/people/import/template"]`); l != "下载导入模板" {
		t.Errorf("template link says %q", l)
	}
	tpl := e.Login("org_admin_d1").Get("/people/import/template")
	if tpl.StatusCode != 200 || !strings.HasPrefix(tpl.Body, "PK") || !strings.Contains(tpl.Header.Get("Content-Disposition"), ".xlsx") {
		t.Errorf("template download: status %d, %q, body starts %q", tpl.StatusCode, tpl.Header.Get("Content-Disposition"), tpl.Body[:min(4, len(tpl.Body))])
	}
	b.shot("import-form")
	upload := func(file string) string {
		t.Helper()
		b.open("/people/import", "#file")
		b.run("upload "+filepath.Base(file),
			chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}),
			chromedp.Click(chromedp.CSS(`form[action="/people/imports"] button[type=submit]`)))
		b.waitPage("import report", `/^\/imports\/\d+$/.test(p)`)
		return eval[string](b, "location", "location.pathname")
	}
	// waitJob waits for the report page (it polls, then reloads itself)
	// to show a finished phase.
	waitJob := func(status string, rejects bool) {
		t.Helper()
		cond := `/^\/imports\/\d+$/.test(p) && !!document.querySelector('#job dl.facts') && document.querySelector('#job strong').textContent.startsWith('` + status + `')`
		if rejects {
			cond += ` && !!document.querySelector('#rejects tbody tr')`
		}
		b.waitPage("import "+status, cond)
	}
	facts := func() map[string]string {
		t.Helper()
		return eval[map[string]string](b, "facts", `Object.fromEntries([...document.querySelectorAll('#job dl.facts dt')].map(dt => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()]))`)
	}
	wantFacts := func(when string, want map[string]string) {
		t.Helper()
		got := facts()
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s = %q, want %q (all: %v)", when, k, got[k], v, got)
			}
		}
	}

	report1 := upload(first)
	waitJob("检查完成", true)
	if h := b.text("main h1"); h != "团员青年名册-第一批.csv" {
		t.Errorf("report heading = %q", h)
	}
	wantFacts("first check", map[string]string{"总行数": "9", "可导入": "4", "被拒绝": "5"})
	rows := eval[[]string](b, "rejects", `[...document.querySelectorAll('#rejects tbody tr')].map(tr => [...tr.cells].map(c => c.innerText.trim()).join(' | '))`)
	wantRejects := []struct {
		row, name string
		reasons   []string
	}{
		{"4", "王小明", []string{"身份证号：身份证号校验位不正确，请核对。"}},
		{"5", "赵丽", []string{"组织编码：找不到该组织，或不在您的管理范围内。"}},
		{"6", "陈静", []string{"组织编码：找不到该组织，或不在您的管理范围内。"}},
		{"7", "刘洋", []string{"身份证号：与文件第 2 行身份证号重复"}},
		{"8", "周敏", []string{"手机号：手机号须为 11 位大陆手机号"}},
	}
	if len(rows) != len(wantRejects) {
		t.Errorf("rejected rows:\n%s\nwant rows 4–8", strings.Join(rows, "\n"))
	}
	for i, w := range wantRejects {
		if i >= len(rows) {
			break
		}
		if !strings.HasPrefix(rows[i], w.row+" | "+w.name+" | ") {
			t.Errorf("reject %d = %q, want row %s (%s)", i, rows[i], w.row, w.name)
		}
		for _, r := range w.reasons {
			if !strings.Contains(rows[i], r) {
				t.Errorf("reject row %s = %q, want reason %q", w.row, rows[i], r)
			}
		}
	}
	if h := b.text("#job"); !strings.Contains(h, "4 行可以导入") {
		t.Errorf("confirm hint missing: %q", h)
	}
	b.shot("import-report")

	// 3. Confirm (the browser asks first), then the import runs.
	b.run("confirm", chromedp.Click(chromedp.CSS(`#job form[action$="/confirm"] button[type=submit]`)))
	waitJob("导入完成", true)
	if d := dialogs(); len(d) != 1 || d[0] != "确认导入 4 行？" {
		t.Errorf("confirm dialogs = %q, want one asking 确认导入 4 行？", d)
	}
	wantFacts("first import", map[string]string{"新登记": "4", "更新": "0", "被拒绝": "5"})
	b.shot("import-done")

	// 4. The fixed rows and one changed phone: created 5, updated 1.
	upload(second)
	waitJob("检查完成", false)
	if n := eval[int](b, "reject rows", `document.querySelectorAll('#rejects tbody tr').length`); n != 0 {
		t.Errorf("second file: %d rejected rows, want none", n)
	}
	wantFacts("second check", map[string]string{"总行数": "7", "可导入": "7", "被拒绝": "0"})
	b.run("confirm again", chromedp.Click(chromedp.CSS(`#job form[action$="/confirm"] button[type=submit]`)))
	waitJob("导入完成", false)
	wantFacts("second import", map[string]string{"新登记": "5", "更新": "1"})
	b.shot("import-done-2")
	b.open("/people/import", "#file")
	if n := eval[int](b, "recent imports", `document.querySelectorAll('main table.list tbody tr').length`); n != 2 {
		t.Errorf("recent imports lists %d, want 2", n)
	}
	b.shot("import-recent")

	// 4b. A roster that names organizations (所在组织), re-imported with
	// changes: the dry run lists each change field by field, another
	// organization becomes a transfer request, the result lists who changed.
	third := filepath.Join(dir, "名册-按组织名称.csv")
	writeCSV(t, third, [][]string{
		{"姓名", "身份证号", "所在组织", "岗位", "工种"},
		{li.name, li.id, "U1团委", "值班长", li.trade},                // moves to U1: a transfer, and a new job
		{zhao.name, zhao.id, "U1团委", zhao.job, "数控车工"},           // a new trade
		{"钱七", apptest.IDNumber(young + 6007), "不存在的团委", "", ""}, // unknown organization name
	})
	report3 := upload(third)
	waitJob("检查完成", true)
	wantFacts("named check", map[string]string{"可导入": "2", "被拒绝": "1", "将更新": "2", "将申请转接": "1", "将新登记": "0", "空白单元格": "保留原有内容"})
	changes := b.text("#changes")
	for _, want := range []string{"岗位：电工班组长 → 值班长", "工种：车工 → 数控车工", "将向“U1团委”发起转接申请"} {
		if !strings.Contains(changes, want) {
			t.Errorf("dry-run changes lack %q:\n%s", want, changes)
		}
	}
	if r := b.text("#rejects"); !strings.Contains(r, "所在组织：在您的管理范围内找不到这个名称的组织") {
		t.Errorf("named reject = %q", r)
	}
	b.shot("import-changes")
	b.run("confirm named", chromedp.Click(chromedp.CSS(`#job form[action$="/confirm"] button[type=submit]`)))
	waitJob("导入完成", false)
	wantFacts("named import", map[string]string{"更新": "2", "转接申请": "1", "新登记": "0"})
	if h := b.text("main h2"); h != "已更新的人员" {
		t.Errorf("result heading = %q", h)
	}
	if n := eval[int](b, "updated links", `document.querySelectorAll('#changes a[href^="/people/"]').length`); n != 2 {
		t.Errorf("result links %d updated people, want 2", n)
	}
	b.shot("import-changes-done")

	// 5. The list, search by pinyin initials and name prefix, filter by skill level.
	names := func() []string {
		t.Helper()
		n := eval[[]string](b, "names", `[...document.querySelectorAll('main table.list tbody tr td:first-child a')].map(a => a.textContent.trim())`)
		slices.Sort(n)
		return n
	}
	search := func(what, q, skill string, want ...string) {
		t.Helper()
		b.open("/people", "form.filters") // a fresh form: nothing typed, nothing selected
		if q != "" {
			b.run(what+": type", chromedp.SendKeys(chromedp.CSS(`form.filters input[name=q]`), q))
		}
		if skill != "" {
			b.run(what+": choose", chromedp.SetValue(chromedp.CSS(`form.filters select[name=skill_level]`), skill))
		}
		b.run(what+": submit", chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)))
		b.waitPage(what, "p === '/people' && location.search.includes('skill_level=')")
		slices.Sort(want)
		if got := names(); !slices.Equal(got, want) {
			t.Errorf("%s: found %q, want %q", what, got, want)
		}
		if c, w := b.text("#count"), "共 "+strconv.Itoa(len(want))+" 人"; c != w {
			t.Errorf("%s: count = %q, want %q", what, c, w)
		}
	}
	// Nine registered, no duplicates; the league member of 28 is aged out,
	// so the default list (active people) holds eight.
	b.open("/people?status=all", "main table.list")
	if c := b.text("#count"); c != "共 9 人" {
		t.Errorf("count of all after both imports = %q, want 共 9 人 (no duplicates)", c)
	}
	b.open("/people", "main table.list")
	if c := b.text("#count"); c != "共 8 人" {
		t.Errorf("count of active after both imports = %q, want 共 8 人", c)
	}
	b.shot("people-list")
	search("pinyin initials zs", "zs", "", "张三")
	search("name prefix 王", "王", "", "王小明", "王芳")
	search("skill level 4", "", "4", "王小明", "周敏")
	if v := eval[string](b, "selected level", `document.querySelector('form.filters select[name=skill_level]').value`); v != "4" {
		t.Errorf("skill filter not kept in the form: %q", v)
	}
	b.shot("people-search")

	// 6. 张三's page: masked identifiers, skill history, growth record.
	b.open("/people?q=zs", "main table.list")
	b.run("open 张三", chromedp.Click(chromedp.CSS(`main table.list tbody td:first-child a`)))
	b.waitPage("person page", `/^\/people\/\d+$/.test(p)`)
	personPath := eval[string](b, "location", "location.pathname")
	b.run("person page ready", chromedp.WaitVisible(chromedp.CSS("#timeline")))
	if h := b.text("main h1"); !strings.Contains(h, "张三") || !strings.Contains(h, "外来务工青年") {
		t.Errorf("person heading = %q, want 张三 with the migrant tag", h)
	}
	ids := eval[string](b, "identifiers", `document.querySelector('#identifiers').textContent`)
	if !strings.Contains(ids, "310***********") || strings.Contains(ids, zhang.id) || !strings.Contains(ids, "136****6001") {
		t.Errorf("identifiers = %q, want the masked ID 310*** and the updated phone masked", ids)
	}
	mainText := b.text("main")
	for _, s := range []string{"技能等级记录", "四级/中级工", "2023-06-30", "三级/高级工", "2026-06-30", "上海市职业技能鉴定中心", "成长档案"} {
		if !strings.Contains(mainText, s) {
			t.Errorf("person page lacks %q", s)
		}
	}
	tl := eval[[]string](b, "timeline", `[...document.querySelectorAll('#timeline li')].map(li => li.innerText.replace(/\s+/g, ' ').trim())`)
	// The level he arrived with is history; the one certified since is in the growth record.
	if !slices.ContainsFunc(tl, func(s string) bool { return strings.Contains(s, "技能等级认定为三级/高级工") }) {
		t.Errorf("timeline = %q, want the skill entry", tl)
	}
	if reg := b.text("p.registered"); !strings.Contains(reg, "登记入册") {
		t.Errorf("registration line = %q, want 登记入册", reg)
	}
	b.noHorizontalOverflow("desktop person page")
	b.shot("person-page")

	// The league member of 28: what the registry made of him.
	b.open("/people?q=sjg&status=all", "main table.list")
	if row := eval[string](b, "row", `document.querySelector('main table.list tbody tr').innerText.replace(/\s+/g, ' ')`); !strings.Contains(row, "超龄离团") {
		t.Errorf("league member aged 28 after import: %q, want 超龄离团", row)
	}

	// 7. On a phone.
	b.run("phone viewport", phone())
	b.open("/people", "main table.list")
	b.noHorizontalOverflow("phone people list")
	b.shot("people-phone")
	b.open(personPath, "#timeline")
	b.noHorizontalOverflow("phone person page")
	b.shot("person-phone")
	b.open(report1, "#rejects")
	b.noHorizontalOverflow("phone import report")
	b.shot("import-report-phone")
	b.open(report3, "#changes")
	b.noHorizontalOverflow("phone import changes")
	b.shot("import-changes-phone")
	b.run("desktop again", desktop())

	// 8. English: the first report's reasons and the list, then back.
	b.open(report1, "#rejects")
	b.run("switch to English", chromedp.Click(chromedp.CSS(`header.top button[name=lang][value=en]`)))
	b.waitPage("English report", "document.documentElement.lang === 'en' && p === '"+report1+"'")
	if h := b.text("main h2"); h != "Rejected rows" {
		t.Errorf("English report h2 = %q", h)
	}
	if r := b.text("#rejects"); !strings.Contains(r, "ID number: The check character does not match") || !strings.Contains(r, "Same ID number as row 2") {
		t.Errorf("English reasons = %q", r)
	}
	b.shot("import-report-en")
	b.open("/people", "#count")
	if h, c := b.text("main h1"), b.text("#count"); h != "People" || c != "8 people" {
		t.Errorf("English list: heading %q, count %q", h, c)
	}
	b.open(personPath, "#timeline")
	if reg := b.text("p.registered"); !strings.Contains(reg, "Registered on") {
		t.Errorf("English registration line = %q, want Registered on", reg)
	}
	b.shot("person-page-en")
	b.run("back to Chinese", chromedp.Click(chromedp.CSS(`header.top button[name=lang][value="zh-CN"]`)))
	b.waitPage("Chinese again", "document.documentElement.lang === 'zh-CN' && p === '"+personPath+"'")
	if h := b.text("main h2"); h != "技能等级记录" {
		t.Errorf("back in Chinese, first h2 = %q", h)
	}
	t.Logf("people journey took %v", time.Since(began).Round(time.Millisecond))
}
