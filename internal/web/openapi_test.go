package web

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestWriteOpenAPI writes the served, merged document to $QG_OPENAPI_OUT,
// for linting it with Redocly (.ci/run does; docs/ARCHITECTURE.md says how).
func TestWriteOpenAPI(t *testing.T) {
	out := os.Getenv("QG_OPENAPI_OUT")
	if out == "" {
		t.Skip("QG_OPENAPI_OUT is not set")
	}
	if err := os.WriteFile(out, OpenAPI(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestOpenAPIKeyRules checks, without Node, the rules of Redocly's
// recommended set that a new route most easily breaks: the document's
// licence, servers and security scheme; every operation with a unique
// operationId, a summary, tags declared (with a description) at the top,
// a 2xx and a 4xx response; every security requirement naming a scheme
// that exists. .ci/run runs Redocly itself on the same document.
func TestOpenAPIKeyRules(t *testing.T) {
	type op struct {
		OperationID string                       `json:"operationId"`
		Summary     string                       `json:"summary"`
		Tags        []string                     `json:"tags"`
		Responses   map[string]json.RawMessage   `json:"responses"`
		Security    []map[string]json.RawMessage `json:"security"`
	}
	var doc struct {
		Info struct {
			License struct{ Name, Identifier, URL string } `json:"license"`
		} `json:"info"`
		Servers  []struct{ URL string }                `json:"servers"`
		Security []map[string]json.RawMessage          `json:"security"`
		Tags     []struct{ Name, Description string }  `json:"tags"`
		Paths    map[string]map[string]json.RawMessage `json:"paths"`
		Comps    struct {
			SecuritySchemes map[string]json.RawMessage `json:"securitySchemes"`
		} `json:"components"`
	}
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Info.License.Name == "" || doc.Info.License.Identifier == "" && doc.Info.License.URL == "" {
		t.Error("info.license needs a name and an identifier or url")
	}
	if len(doc.Servers) == 0 {
		t.Error("no servers")
	}
	schemes := func(where string, reqs []map[string]json.RawMessage) {
		for _, req := range reqs {
			for s := range req {
				if doc.Comps.SecuritySchemes[s] == nil {
					t.Errorf("%s: security scheme %q is not defined", where, s)
				}
			}
		}
	}
	if len(doc.Security) == 0 {
		t.Error("no security requirement at the top")
	}
	schemes("top", doc.Security)
	tags := map[string]bool{}
	for _, tg := range doc.Tags {
		if tags[tg.Name] {
			t.Errorf("tag %q declared twice", tg.Name)
		}
		tags[tg.Name] = true
		if tg.Description == "" {
			t.Errorf("tag %q has no description", tg.Name)
		}
	}
	ids := map[string]string{}
	methods := map[string]bool{"get": true, "put": true, "post": true, "delete": true, "patch": true, "head": true, "options": true, "trace": true}
	for p, item := range doc.Paths {
		for m, raw := range item {
			if !methods[m] {
				continue
			}
			where := strings.ToUpper(m) + " " + p
			var o op
			if err := json.Unmarshal(raw, &o); err != nil {
				t.Errorf("%s: %v", where, err)
				continue
			}
			if o.OperationID == "" {
				t.Errorf("%s: no operationId", where)
			} else if other, dup := ids[o.OperationID]; dup {
				t.Errorf("%s: operationId %q is %s's too", where, o.OperationID, other)
			}
			ids[o.OperationID] = where
			if o.Summary == "" {
				t.Errorf("%s: no summary", where)
			}
			if len(o.Tags) == 0 {
				t.Errorf("%s: no tag", where)
			}
			for _, tg := range o.Tags {
				if !tags[tg] {
					t.Errorf("%s: tag %q is not declared at the top", where, tg)
				}
			}
			var ok2, ok4 bool
			for code := range o.Responses {
				ok2 = ok2 || strings.HasPrefix(code, "2")
				ok4 = ok4 || strings.HasPrefix(code, "4")
			}
			if !ok2 || !ok4 {
				t.Errorf("%s: responses %v, want a 2xx and a 4xx", where, keys(o.Responses))
			}
			schemes(where, o.Security)
		}
	}
}

func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
