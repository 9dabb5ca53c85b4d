package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"

	"qinggong/internal/auth"
)

// apidoc holds the API description: openapi.json, and one fragment per
// module (<module>.paths.json: tags, paths and schemas) merged into it, so
// that modules document their routes in files of their own.
//
//go:embed apidoc/*.json
var apidoc embed.FS

var openAPI = loadOpenAPI()

func loadOpenAPI() []byte {
	base, err := apidoc.ReadFile("apidoc/openapi.json")
	if err != nil {
		panic(err)
	}
	frags, _ := fs.Glob(apidoc, "apidoc/*.paths.json")
	if len(frags) == 0 {
		return base
	}
	var doc map[string]any
	if err := json.Unmarshal(base, &doc); err != nil {
		panic(fmt.Sprintf("web: openapi.json: %v", err))
	}
	paths := doc["paths"].(map[string]any)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for _, f := range frags {
		b, _ := apidoc.ReadFile(f)
		var frag struct {
			Tags    []any          `json:"tags"`
			Paths   map[string]any `json:"paths"`
			Schemas map[string]any `json:"schemas"`
		}
		if err := json.Unmarshal(b, &frag); err != nil {
			panic(fmt.Sprintf("web: %s: %v", f, err))
		}
		doc["tags"] = append(doc["tags"].([]any), frag.Tags...)
		for k, v := range frag.Paths {
			if _, dup := paths[k]; dup {
				panic("web: " + f + " documents " + k + " again")
			}
			paths[k] = v
		}
		for k, v := range frag.Schemas {
			if _, dup := schemas[k]; dup {
				panic("web: " + f + " defines schema " + k + " again")
			}
			schemas[k] = v
		}
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err)
	}
	return out
}

// OpenAPI returns the API description (a test checks it against the routes).
func OpenAPI() []byte { return openAPI }

// APIDocRoute serves the OpenAPI document.
func APIDocRoute(r *Router) {
	r.Get("/api/v1/openapi.json", auth.Public, func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "application/json")
		w.Write(openAPI)
		return nil
	})
}
