package app_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/app/apptest"
	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/org"
)

// The board and a closed round's ranking are served from pages kept per
// account under the versions read with the session (page_cache.go), and
// never stale: a campaign write, a rename and a reopened round show on the
// next request; another account never gets a page kept for the first; a
// pending flash message is shown, not a kept page without it.
func TestCampaignPageCache(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := newNoticeEnv(t, name)
			ctx0 := context.Background()
			admin, err := e.App.Users.Actor(ctx0, e.Users["admin"])
			if err != nil {
				t.Fatal(err)
			}
			ctx := auth.WithAuditMeta(ctx0, admin)
			cs := e.App.Campaigns
			web := e.Login("admin")

			first := web.Get("/campaigns")
			if first.StatusCode != 200 || !strings.Contains(first.Body, "青年岗位能手") {
				t.Fatalf("board: %d", first.StatusCode)
			}
			if again := web.Get("/campaigns"); again.Body != first.Body {
				t.Fatal("the same board twice differs")
			}
			// A campaign write shows at once.
			c2, err := cs.Create(ctx, admin, campaign.Input{Title: "缓存测试评选", OrgID: e.Orgs["C"].ID, NomineeKind: campaign.NomineePerson, Winners: 1})
			if err != nil {
				t.Fatal(err)
			}
			if r := web.Get("/campaigns"); !strings.Contains(r.Body, "缓存测试评选") {
				t.Error("a new campaign is not on the board")
			}
			// So does an organization's new name (the cache version).
			root := e.Orgs["C"]
			in := org.Input{Name: "共青团上海市委员会", ShortName: root.ShortName, Code: root.Code, Level: root.Level, District: root.District}
			if _, err := e.App.Orgs.Update(ctx, admin, root.ID, in); err != nil {
				t.Fatal(err)
			}
			if r := web.Get("/campaigns"); !strings.Contains(r.Body, "共青团上海市委员会") {
				t.Error("the organizer's new name is not on the board")
			}
			// A pending flash is shown on the page it waits for.
			web.Header = http.Header{"Cookie": {"qg_flash=ok%3Acampaign.created"}}
			flashed := web.Get("/campaigns")
			web.Header = nil
			if !strings.Contains(flashed.Body, `class="flash ok"`) {
				t.Error("the flash message is not shown on the board")
			}
			if r := web.Get("/campaigns"); strings.Contains(r.Body, `class="flash`) {
				t.Error("a page with a flash message was kept")
			}

			// A closed round's ranking.
			rd := closedRound(t, e, ctx, admin, c2)
			path := "/rounds/" + strconv.FormatInt(rd.ID, 10) + "/results"
			ranked := web.Get(path)
			if ranked.StatusCode != 200 || !strings.Contains(ranked.Body, "张三") {
				t.Fatalf("ranking: %d", ranked.StatusCode)
			}
			if again := web.Get(path); again.Body != ranked.Body {
				t.Fatal("the same ranking twice differs")
			}
			if r := e.Login("org_admin_d1").Get(path); r.StatusCode != http.StatusNotFound {
				t.Errorf("a district organizer on the city ranking: %d, want 404", r.StatusCode)
			}
			if _, err := cs.ReopenRound(ctx, admin, rd.ID); err != nil {
				t.Fatal(err)
			}
			if r := web.Get(path); r.Body == ranked.Body {
				t.Error("the reopened round's ranking is the page kept from before")
			}
		})
	}
}

// closedRound takes c to review with one nomination (张三 of B1, from D1), scored
// by an account of D2 (outside the nominee's line), and closes its round.
func closedRound(t *testing.T, e *noticeEnv, ctx context.Context, admin *auth.Actor, c *campaign.Campaign) *campaign.Round {
	cs := e.App.Campaigns
	if _, err := cs.Advance(ctx, admin, c.ID, campaign.StageNominating); err != nil {
		t.Fatal(err)
	}
	n, err := cs.Nominate(ctx, admin, c.ID, campaign.NominateInput{OrgID: e.Orgs["D1"].ID, NomineeID: e.d1.ID,
		Moral: "思想政治素质好，爱岗敬业，遵纪守法。"})
	if err == nil {
		n, err = cs.Forward(ctx, admin, n.ID, "同意推荐", 1)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []string{campaign.StageChecking, campaign.StageReviewing} {
		if _, err := cs.Advance(ctx, admin, c.ID, st); err != nil {
			t.Fatal(err)
		}
	}
	uid, _, err := e.App.Users.CreateUser(ctx, admin, auth.NewUser{Login: "expert_cache", Name: "评审专家", OrgID: e.Orgs["D2"].ID, Password: apptest.Password})
	if err != nil {
		t.Fatal(err)
	}
	reviewer, err := e.App.Users.Actor(ctx, uid)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.AddReviewer(ctx, admin, c.ID, reviewer.UserID, 10); err != nil {
		t.Fatal(err)
	}
	rd, err := cs.OpenRound(ctx, admin, c.ID, campaign.RoundInput{Name: "初评", Method: campaign.MethodMean, Shortlist: 1,
		Criteria: []campaign.Criterion{{Name: "业绩", Weight: 100, Min: 0, Max: 10}}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := cs.Assign(ctx, admin, rd.ID, n.ID, reviewer.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Submit(ctx, reviewer, a.ID, map[int64]int{rd.Criteria[0].ID: 8}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CloseRound(ctx, admin, rd.ID); err != nil {
		t.Fatal(err)
	}
	return rd
}
