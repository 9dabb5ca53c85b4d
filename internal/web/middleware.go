package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
)

// SessionCookie names the session cookie. It is HttpOnly and SameSite=Lax,
// and Secure whenever the request came over TLS.
const SessionCookie = "qg_session"

// Chain wraps the router in the middleware every response passes through,
// outermost first: request ID and logging, recovery, security headers,
// cross-origin protection, language, then the actor (session or token).
func Chain(h http.Handler, users *auth.Service, log *slog.Logger) http.Handler {
	log = slog.New(LogHandler(log.Handler())) // every line names its request
	h = withActor(h, users)
	h = withLang(h)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Error(w, r, errForbidden)
	}))
	h = cop.Handler(h)
	h = securityHeaders(h)
	h = recoverer(h)
	return requestLog(h, log)
}

type ridKey struct{}

// Request IDs are a random per-process prefix and a counter: unique across
// restarts and nodes, and cheaper than reading the random source per request.
var (
	ridPrefix  = newRIDPrefix()
	ridCounter atomic.Uint64
)

func newRIDPrefix() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func nextRequestID() string {
	return ridPrefix + "-" + strconv.FormatUint(ridCounter.Add(1), 36)
}

// RequestID returns the request's ID.
func RequestID(ctx context.Context) string { s, _ := ctx.Value(ridKey{}).(string); return s }

func requestLog(next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rid := nextRequestID()
		ip := clientIP(r)
		ctx := context.WithValue(r.Context(), ridKey{}, rid)
		ctx = audit.WithMeta(ctx, audit.Meta{IP: ip, RequestID: rid})
		ctx = context.WithValue(ctx, logKey{}, log)
		w.Header().Set("X-Request-Id", rid)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(ctx))
		if quiet(r.URL.Path) && sw.status < 400 {
			return
		}
		// The query string is left out: it may carry search terms about people.
		log.LogAttrs(ctx, slog.LevelInfo, "request", slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Int("status", sw.status), slog.String("ip", ip),
			slog.Duration("dur", time.Since(start)))
	})
}

// quiet paths are not logged when they succeed: probes and static files.
func quiet(p string) bool {
	return p == "/healthz" || p == "/readyz" || p == "/metrics" || strings.HasPrefix(p, "/assets/") ||
		p == "/favicon.ico" || p == "/robots.txt"
}

// clientIP is the peer address. X-Forwarded-For is not trusted: a proxy in
// front must be configured explicitly before it may speak for clients.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				ctx := r.Context()
				Logger(ctx).ErrorContext(ctx, "panic", "panic", p, "path", r.URL.Path, "stack", string(debug.Stack()))
				Error(w, r, errPanic)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

const csp = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; img-src 'self' data:"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		if !strings.HasPrefix(r.URL.Path, "/assets/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

func withLang(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(WithLang(r.Context(), pickLang(r))))
	})
}

// withActor resolves the session cookie (pages) or bearer token (API) to an
// actor. An invalid credential leaves the request anonymous; the route's
// declared permission then decides.
func withActor(next http.Handler, users *auth.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var a *auth.Actor
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			a, _ = users.TokenActor(ctx, strings.TrimPrefix(h, "Bearer "))
		} else if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
			var err error
			if a, err = users.Session(ctx, c.Value); err != nil {
				ClearSession(w, r)
			}
		}
		if a != nil {
			ctx = auth.WithActor(ctx, a)
			ctx = auth.WithAuditMeta(ctx, a)
			r = r.WithContext(ctx)
		}
		next.ServeHTTP(w, r)
	})
}

// SetSession sets the session cookie after login.
func SetSession(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

// ClearSession removes the session cookie.
func ClearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
}
