package web

import (
	_ "embed"
	"net/http"

	"qinggong/internal/auth"
)

//go:embed apidoc/openapi.json
var openAPI []byte

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
