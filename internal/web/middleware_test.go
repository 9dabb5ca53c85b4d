package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"qinggong/internal/auth"
)

func chainFor(t *testing.T, register func(r *Router)) http.Handler {
	t.Helper()
	r := NewRouter()
	register(r)
	// No credentials are sent in these tests, so no auth service is needed.
	return Chain(r, nil, slog.New(slog.NewJSONHandler(io.Discard, nil)))
}

func TestPanicGivesGenericError(t *testing.T) {
	h := chainFor(t, func(r *Router) {
		r.Get("/boom", auth.Public, func(w http.ResponseWriter, r *http.Request) error {
			panic("secret detail: SELECT * FROM users")
		})
		r.Get("/api/v1/boom", auth.Public, func(w http.ResponseWriter, r *http.Request) error {
			panic("secret detail")
		})
	})
	for _, path := range []string{"/boom", "/api/v1/boom"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		body := rec.Body.String()
		if rec.Code != http.StatusInternalServerError {
			t.Fatalf("%s: status %d", path, rec.Code)
		}
		for _, leak := range []string{"secret", "SELECT", "goroutine", ".go:"} {
			if strings.Contains(body, leak) {
				t.Fatalf("%s: response leaks %q:\n%s", path, leak, body)
			}
		}
		if !strings.Contains(body, Catalog("zh-CN")["err.internal"]) {
			t.Fatalf("%s: no generic message:\n%s", path, body)
		}
	}
}

func TestCrossOriginWritesRefused(t *testing.T) {
	var wrote int
	h := chainFor(t, func(r *Router) {
		r.Post("/write", auth.Public, func(w http.ResponseWriter, r *http.Request) error {
			wrote++
			return nil
		})
	})
	for _, c := range []struct {
		name, header, value string
		want                int
	}{
		{"cross-site fetch", "Sec-Fetch-Site", "cross-site", http.StatusForbidden},
		{"foreign origin", "Origin", "https://evil.example", http.StatusForbidden},
		{"same origin", "Sec-Fetch-Site", "same-origin", http.StatusOK},
		{"no browser headers (API client)", "", "", http.StatusOK},
	} {
		req := httptest.NewRequest("POST", "http://qinggong.test/write", nil)
		if c.header != "" {
			req.Header.Set(c.header, c.value)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%s: status %d, want %d", c.name, rec.Code, c.want)
		}
	}
	if wrote != 2 {
		t.Fatalf("handler ran %d times, want 2 (only the allowed requests)", wrote)
	}
}

func TestRouteWithoutPermissionPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("registering a route without a permission must panic")
		}
	}()
	NewRouter().Get("/x", "", func(http.ResponseWriter, *http.Request) error { return nil })
}
