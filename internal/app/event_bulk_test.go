package app_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"qinggong/internal/app/apptest"
	"qinggong/internal/auth"
	"qinggong/internal/event"
	"qinggong/internal/person"
)

// TestEventBulkRegistration: a cadre registers a list of their people by
// ID-card number, one per line; each line says what came of it, and a
// number outside the cadre's scope is unknown to them, not registered.
func TestEventBulkRegistration(t *testing.T) {
	e := apptest.New(t, "sqlite")
	ctx := context.Background()
	root := e.Orgs["C"]
	boot := &auth.Actor{Login: "fixture", Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
	var numbers []string
	for i, o := range []string{"U1", "B1", "U2"} {
		n := apptest.IDNumber(700 + i)
		if _, err := e.App.People.Create(ctx, boot, person.Input{Name: "批量" + o, IDNumber: n, OrgID: e.Orgs[o].ID}); err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, n)
	}
	now := time.Now()
	ev, err := e.App.Events.Create(ctx, boot, event.Input{OrgID: root.ID, Kind: "lecture", Title: "批量报名讲座", Place: "礼堂", Capacity: 1,
		AudienceKind: event.AudiencePublic, RegOpens: now.Add(-time.Hour), RegCloses: now.Add(time.Hour),
		Sessions: []event.SessionInput{{Starts: now.Add(2 * time.Hour), Ends: now.Add(3 * time.Hour)}}})
	if err == nil {
		_, err = e.App.Events.Publish(ctx, boot, ev.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	list := strings.Join(append(numbers, "110101199001011234", numbers[0]), "\n")
	res := e.Login("cadre_d1").PostForm("/events/"+strconv.FormatInt(ev.ID, 10)+"/register-person", url.Values{"id_number": {list}})
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %.300s", res.StatusCode, res.Body)
	}
	// One seat: the first is seated, the second waits, U2's person and the
	// made-up number are unknown to D1's cadre, the repeat is refused.
	for _, want := range []string{"批量U1", "已报名", "批量B1", "候补中", "找不到此身份证号", "不能重复报名"} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("result lacks %q", want)
		}
	}
	if strings.Contains(res.Body, "批量U2") {
		t.Error("a person outside the cadre's scope was named")
	}
	got, _ := e.App.Events.Get(ctx, boot, ev.ID)
	if got.Registered != 1 || got.Waitlisted != 1 {
		t.Fatalf("counts after the list: %d seated, %d waiting", got.Registered, got.Waitlisted)
	}
}

// TestEventFormRegionAudience: the form offers the regions the organizer
// sees as audiences, and an event for one is for its members.
func TestEventFormRegionAudience(t *testing.T) {
	e := apptest.New(t, "sqlite")
	c := e.Login("admin")
	form := c.Get("/events/new")
	rid := strconv.FormatInt(e.Region.ID, 10)
	if !strings.Contains(form.Body, `value="region:`+rid+`"`) {
		t.Fatalf("the form offers no region audience")
	}
	local := func(d time.Duration) string {
		return time.Now().Add(d).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
	}
	res := c.PostForm("/events", url.Values{"title": {"片区青年沙龙"}, "kind": {"salon"}, "org_code": {e.Orgs["C"].Code},
		"place": {"陆家嘴青年中心"}, "capacity": {"50"}, "audience": {"region:" + rid}, "reg_opens": {local(-time.Hour)},
		"reg_closes": {local(time.Hour)}, "s0.starts": {local(2 * time.Hour)}, "s0.ends": {local(3 * time.Hour)}, "s0.place": {""}})
	if res.StatusCode != 303 {
		t.Fatalf("create: %d %.300s", res.StatusCode, res.Body)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(res.Header.Get("Location"), "/events/"), 10, 64)
	root := e.Orgs["C"]
	boot := &auth.Actor{Login: "fixture", Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
	ev, err := e.App.Events.Get(context.Background(), boot, id)
	if err != nil || ev.AudienceKind != event.AudienceRegion || ev.AudienceID != e.Region.ID {
		t.Fatalf("event %+v, %v", ev, err)
	}
}
