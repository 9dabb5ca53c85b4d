package app_test

import (
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/db/dbtest"

	"qinggong/internal/app/apptest"
	"qinggong/internal/org"
)

// POST /api/v1/orgs/bulk: the dry run writes nothing, the real run creates
// every row or none, and a committee below the parent (outside its subtree) finds
// no parent (nor learns its name).
func TestOrgBulkAPI(t *testing.T) {
	for _, dbName := range dbtest.Names() {
		t.Run(dbName, func(t *testing.T) {
			e := apptest.New(t, dbName)
			csv := "组织名称,组织编码,层级,上级组织\n新建团委,BULK-U,基层团委,FX-D1\n新建一支部,BULK-B,团支部,BULK-U\n"
			api := e.Bearer("org_admin_d1")
			var plan org.BulkPlan
			res := api.Do("POST", "/api/v1/orgs/bulk?dry_run=true&name=orgs.csv", csv)
			if res.StatusCode != 200 {
				t.Fatalf("dry run = %d %s", res.StatusCode, res.Body)
			}
			res.JSON(t, &plan)
			if plan.OK != 2 || plan.Refused != 0 || plan.Rows[1].ParentRow != 2 || plan.Rows[0].Created != 0 {
				t.Fatalf("dry run plan = %+v", plan)
			}
			if res := api.Get("/api/v1/orgs?q=BULK-U"); res.StatusCode != 200 || strings.Contains(string(res.Body), "新建团委") {
				t.Fatalf("the dry run created: %s", res.Body)
			}

			outside := e.Bearer("org_admin_u1")
			res = outside.Do("POST", "/api/v1/orgs/bulk?dry_run=true&name=orgs.csv", csv)
			res.JSON(t, &plan)
			if res.StatusCode != 200 || plan.OK != 0 || len(plan.Rows[0].Reasons) != 1 || plan.Rows[0].Reasons[0].Key != "err.bulk_parent_unknown" {
				t.Fatalf("outside the subtree: %d %+v", res.StatusCode, plan)
			}
			if res := outside.Do("POST", "/api/v1/orgs/bulk?name=orgs.csv", csv); res.StatusCode != 422 {
				t.Fatalf("outside the subtree, create = %d %s", res.StatusCode, res.Body)
			}
			if res := e.Bearer("viewer_d1").Do("POST", "/api/v1/orgs/bulk?name=orgs.csv", csv); res.StatusCode != 403 {
				t.Fatalf("viewer = %d", res.StatusCode)
			}

			res = api.Do("POST", "/api/v1/orgs/bulk?name=orgs.csv", csv)
			if res.StatusCode != 201 {
				t.Fatalf("create = %d %s", res.StatusCode, res.Body)
			}
			res.JSON(t, &plan)
			if plan.Rows[0].Created == 0 || plan.Rows[1].Created == 0 {
				t.Fatalf("created = %+v", plan)
			}
			var o org.Org
			api.Get("/api/v1/orgs/"+strconv.FormatInt(plan.Rows[1].Created, 10)).JSON(t, &o)
			if o.ParentID != plan.Rows[0].Created || o.Level != org.LevelBranch {
				t.Fatalf("second row = %+v", o)
			}
			if res := api.Do("POST", "/api/v1/orgs/bulk?name=orgs.csv", csv); res.StatusCode != 422 {
				t.Fatalf("again = %d (codes are taken)", res.StatusCode)
			}
		})
	}
}
