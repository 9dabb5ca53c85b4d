package web

import (
	"context"
	"net/http"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"qinggong/internal/auth"
	"qinggong/internal/db"
)

// SystemRoutes registers probes, metrics and static assets.
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
		metrics.WritePrometheus(w, true)
		return nil
	})
	r.Get("/assets/{name}", auth.Public, ServeAsset)
}
