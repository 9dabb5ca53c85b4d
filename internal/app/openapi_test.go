package app_test

import (
	"encoding/json"
	"strings"
	"testing"

	"qinggong/internal/app/apptest"
	"qinggong/internal/web"
)

// TestOpenAPIMatchesRoutes checks that the OpenAPI document describes every
// /api/v1 route with its method, and nothing that is not registered.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := apptest.New(t, "sqlite")
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(web.OpenAPI(), &doc); err != nil {
		t.Fatalf("openapi.json does not parse: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Fatalf("openapi version %q, want 3.1.x", doc.OpenAPI)
	}
	methods := map[string]bool{"get": true, "put": true, "post": true, "delete": true, "patch": true, "head": true, "options": true, "trace": true}
	documented := map[string]bool{}
	for p, item := range doc.Paths {
		for m := range item {
			if methods[m] {
				documented[strings.ToUpper(m)+" "+p] = true
			}
		}
	}
	registered := map[string]bool{}
	for _, rt := range e.App.Router.Routes() {
		if !strings.HasPrefix(rt.Pattern, "/api/v1/") || rt.Pattern == "/api/v1/openapi.json" {
			continue
		}
		k := rt.Method + " " + rt.Pattern
		registered[k] = true
		if !documented[k] {
			t.Errorf("route %s is not documented in openapi.json", k)
		}
	}
	if len(registered) == 0 {
		t.Fatal("no /api/v1 routes registered")
	}
	for k := range documented {
		if !registered[k] {
			t.Errorf("openapi.json documents %s, which is not a registered route", k)
		}
	}
	// Every operation answers something and names a summary.
	for p, item := range doc.Paths {
		for m, raw := range item {
			if !methods[m] {
				continue
			}
			var op struct {
				Summary   string                     `json:"summary"`
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", m, p, err)
			}
			if op.Summary == "" || len(op.Responses) == 0 {
				t.Errorf("%s %s: missing summary or responses", m, p)
			}
		}
	}
}
