package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/app/apptest"
	"qinggong/internal/db/dbtest"
)

// TestRevokeOwnTokenOverHTTP: a user creates a token on the tokens page,
// sees it listed, revokes it there, and the API refuses it from then on.
// The security admin's "sign out everywhere" ends sessions and tokens.
func TestRevokeOwnTokenOverHTTP(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := apptest.New(t, name)
			c := e.Login("cadre_d1")
			r := c.PostForm("/tokens", url.Values{"name": {"笔记本"}, "days": {"30"}})
			i := strings.Index(r.Body, "qgp_")
			if r.StatusCode != http.StatusOK || i < 0 {
				t.Fatalf("create token: %d", r.StatusCode)
			}
			tok := r.Body[i : i+strings.IndexByte(r.Body[i:], '<')]
			api := e.Anon()
			api.Token = tok
			if r := api.Get("/api/v1/orgs"); r.StatusCode != http.StatusOK {
				t.Fatalf("fresh token: %d", r.StatusCode)
			}
			list, _ := e.App.Users.ListTokens(context.Background(), e.Users["cadre_d1"])
			if len(list) != 1 {
				t.Fatalf("tokens listed: %d", len(list))
			}
			if r := c.PostForm("/tokens/"+strconv.FormatInt(list[0].ID, 10)+"/revoke", url.Values{}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("revoke: %d", r.StatusCode)
			}
			if r := api.Get("/api/v1/orgs"); r.StatusCode != http.StatusUnauthorized {
				t.Fatalf("revoked token: %d, want 401", r.StatusCode)
			}

			// Sign out everywhere: the cadre's session and a second token stop working.
			api.Token, _ = e.App.Users.CreateToken(context.Background(), e.Users["cadre_d1"], "second", 3600e9)
			sec := e.Login("secadmin")
			if r := sec.PostForm("/users/"+strconv.FormatInt(e.Users["cadre_d1"], 10)+"/signout", url.Values{}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign out: %d", r.StatusCode)
			}
			if r := c.Get("/orgs"); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("session after sign-out: %d, want a redirect to login", r.StatusCode)
			}
			if r := api.Get("/api/v1/orgs"); r.StatusCode != http.StatusUnauthorized {
				t.Fatalf("token after sign-out: %d, want 401", r.StatusCode)
			}
		})
	}
}
