package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/org"
)

// The public notice is served from the rendered page kept per campaign
// and language, and never stale: renaming an organization it shows shows
// at once (the cache version is part of the key, as are the campaign's
// and the notice's last change and the day); each language has its own
// page.
func TestNoticeCache(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := newNoticeEnv(t, name)
			anon := e.Anon().For(t)
			path := "/notice/" + strconv.FormatInt(e.c.ID, 10)
			first := anon.Get(path)
			if first.StatusCode != 200 || !strings.Contains(first.Body, org.RootName) {
				t.Fatalf("notice: %d", first.StatusCode)
			}
			if again := anon.Get(path); again.Body != first.Body {
				t.Fatal("the same notice twice differs")
			}
			en := e.Anon().For(t)
			en.Header = map[string][]string{"Accept-Language": {"en"}}
			if r := en.Get(path); r.Body == first.Body || !strings.Contains(r.Body, `lang="en"`) {
				t.Errorf("the English notice is the Chinese page")
			}
			admin, err := e.App.Users.Actor(context.Background(), e.Users["admin"])
			if err != nil {
				t.Fatal(err)
			}
			ctx := auth.WithAuditMeta(context.Background(), admin)
			root := e.Orgs["C"]
			in := org.Input{Name: "共青团上海市委员会", ShortName: root.ShortName, Code: root.Code, Level: root.Level, District: root.District}
			if _, err := e.App.Orgs.Update(ctx, admin, root.ID, in); err != nil {
				t.Fatal(err)
			}
			if r := anon.Get(path); !strings.Contains(r.Body, "共青团上海市委员会") {
				t.Error("the organizer's new name is not shown")
			}
		})
	}
}
