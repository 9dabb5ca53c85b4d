package web

import (
	"context"
	"net/http"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/db"
)

// SystemRoutes registers probes, metrics, static assets, the icon and
// robots.txt.
func SystemRoutes(r *Router, d *db.DB) {
	r.Get("/healthz", auth.Public, func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
		return nil
	})
	r.Get("/readyz", auth.Public, func(w http.ResponseWriter, r *http.Request) error {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := d.Ping(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("database unavailable\n"))
			return nil
		}
		w.Write([]byte("ok\n"))
		return nil
	})
	// Metrics carry no personal data, only route names and timings; bind
	// the server to an internal address or put it behind a proxy that
	// restricts /metrics in production.
	r.Get("/metrics", auth.Public, func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		WriteMetrics(w)
		return nil
	})
	r.Get("/assets/{name}", auth.Public, ServeAsset)
	r.Get("/favicon.ico", auth.Public, Favicon)
	// An internal work system: nothing in it is for search engines. When
	// the public notice pages (/public/) come, allow them here.
	r.Get("/robots.txt", auth.Public, func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Write([]byte("User-agent: *\nDisallow: /\n"))
		return nil
	})
}
