package app_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/db/dbtest"
)

// An organization's page shows its people count from the rollups, linking
// to the list filtered to its subtree, and an export link for holders of
// person.export; the list's organization filter takes the picker's code
// and keeps a shareable ?under= URL.
func TestOrgPeople(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := newPeopleEnv(t, name)
			id := func(o string) string { return strconv.FormatInt(e.Orgs[o].ID, 10) }
			cadre, viewer := e.Login("cadre_d1").For(t), e.Login("viewer_d1").For(t)

			res := cadre.Get("/orgs/" + id("D1"))
			list := `href="/people?under=` + id("D1") + `"`
			if !strings.Contains(res.Body, list+`>1 人</a>`) {
				t.Errorf("D1 page lacks the people count linking to the list: %s", res.Body)
			}
			if !strings.Contains(res.Body, `href="/people?under=`+id("D1")+`#export"`) {
				t.Error("D1 page lacks the export link for a cadre (person.export)")
			}
			if strings.Contains(res.Body, "青年名册模块上线后显示") {
				t.Error("the placeholder is still there")
			}
			res = viewer.Get("/orgs/" + id("D1"))
			if !strings.Contains(res.Body, list) || strings.Contains(res.Body, "#export") {
				t.Error("a viewer (no person.export) should see the count but no export link")
			}
			if res := e.Login("admin").For(t).Get("/orgs/" + id("C")); !strings.Contains(res.Body, `>2 人</a>`) {
				t.Error("the root's page does not count both people")
			}

			// The list filtered by ID, as the page links it.
			res = cadre.Get("/people?under=" + id("D1"))
			if res.StatusCode != 200 || !strings.Contains(res.Body, "张三") || !strings.Contains(res.Body, `value="FX-D1"`) ||
				!strings.Contains(res.Body, `data-display="D1团委（FX-D1）"`) {
				t.Errorf("people?under=D1 = %d: the person or the picker's value is missing", res.StatusCode)
			}
			if !strings.Contains(res.Body, `action="/people/export?under=`+id("D1")+`"`) {
				t.Error("the export form does not keep the under filter")
			}
			// The picker sends a code; the links that follow use the ID.
			res = e.Login("admin").For(t).Get("/people?under_code=FX-D2")
			if !strings.Contains(res.Body, "张山") || strings.Contains(res.Body, "张三") ||
				!strings.Contains(res.Body, "/people/export?under="+id("D2")) {
				t.Errorf("people?under_code=FX-D2 does not filter to D2")
			}
			// Outside the scope: nothing, whichever way it is named.
			if res := cadre.Get("/people?under=" + id("D2")); res.StatusCode != 404 {
				t.Errorf("cadre_d1 people?under=D2 = %d, want 404", res.StatusCode)
			}
			res = cadre.Get("/people?under_code=FX-D2")
			if strings.Contains(res.Body, "张山") || !strings.Contains(res.Body, "field-error") {
				t.Errorf("cadre_d1 people?under_code=FX-D2 = %d: must show an error and no D2 person", res.StatusCode)
			}
			// An emptied picker clears the filter.
			if res := e.Login("admin").For(t).Get("/people?under=" + id("D2") + "&under_code="); !strings.Contains(res.Body, "张三") {
				t.Error("an empty under_code did not clear the filter")
			}
			// Export from the organization's page: the list's form with the filter.
			res = cadre.Do("POST", "/people/export?under="+id("D1"), url.Values{})
			if res.StatusCode != 200 {
				t.Fatalf("export D1 = %d %s", res.StatusCode, res.Body)
			}
			if names := xlsxColumn(t, res.Body, 0); len(names) != 1 || names[0] != "张三" {
				t.Errorf("export of D1 = %v, want 张三 alone", names)
			}
		})
	}
}
