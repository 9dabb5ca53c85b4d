// Package web is the HTTP edge: a router on which every route declares the
// permission it needs, the middleware chain, the message catalog, the shared
// layout and the translation of service errors into pages, fragments and
// problem details.
package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
)

// HandlerFunc is a handler that may fail; the router renders the error.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Route is one registered route and the permission it declares.
type Route struct {
	Method  string
	Pattern string
	Perm    auth.Permission
}

// Router records every route with its permission, so the authorization
// matrix test can walk them all, and checks the function-level permission
// before the handler runs. Object-level scope is the services' job: they
// answer NotFound outside the actor's subtree.
type Router struct {
	mux    *http.ServeMux
	routes []Route
}

// NewRouter returns an empty router.
func NewRouter() *Router { return &Router{mux: http.NewServeMux()} }

// Routes lists every registered route.
func (rt *Router) Routes() []Route { return rt.routes }

// ServeHTTP dispatches to the matching route. ServeMux answers a path no
// route serves, or a method a path lacks, with a line of plain text; the
// wrapper turns those into the site's own error page or problem document.
// No pattern catches everything ("GET /" would, and then a mistyped URL
// showed the home page and no method could ever be refused with 405), so
// ServeMux's own answers are the only place to hook in.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt.mux.ServeHTTP(&unrouted{ResponseWriter: w, r: r}, r)
}

func (rt *Router) Get(p string, perm auth.Permission, h HandlerFunc)  { rt.Handle("GET", p, perm, h) }
func (rt *Router) Post(p string, perm auth.Permission, h HandlerFunc) { rt.Handle("POST", p, perm, h) }
func (rt *Router) Put(p string, perm auth.Permission, h HandlerFunc)  { rt.Handle("PUT", p, perm, h) }
func (rt *Router) Delete(p string, perm auth.Permission, h HandlerFunc) {
	rt.Handle("DELETE", p, perm, h)
}

// Handle registers h for method and pattern behind perm. An empty
// permission is a programming error and panics at start-up.
func (rt *Router) Handle(method, pattern string, perm auth.Permission, h HandlerFunc) {
	if perm == "" {
		panic("web: route " + method + " " + pattern + " declares no permission")
	}
	rt.routes = append(rt.routes, Route{Method: method, Pattern: pattern, Perm: perm})
	label := fmt.Sprintf(`route=%q`, method+" "+pattern)
	hist := metrics.GetOrCreatePrometheusHistogramExt(`qg_http_request_duration_seconds{`+label+`}`, requestBuckets)
	var byClass [6]*metrics.Counter
	for c := 1; c <= 5; c++ {
		byClass[c] = metrics.GetOrCreateCounter(fmt.Sprintf(`qg_http_requests_total{%s,code="%dxx"}`, label, c))
	}
	api := strings.HasPrefix(pattern, "/api/")
	rt.mux.HandleFunc(method+" "+pattern, func(w http.ResponseWriter, r *http.Request) {
		if u, ok := w.(*unrouted); ok {
			w = u.ResponseWriter // a route's own 404 (a missing object) is its handler's to write
		}
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		serve(sw, r, perm, api, h)
		if c := sw.status / 100; c >= 1 && c <= 5 {
			byClass[c].Inc()
		}
		hist.UpdateDuration(start)
	})
}

func serve(w *statusWriter, r *http.Request, perm auth.Permission, api bool, h HandlerFunc) {
	a := auth.ActorFrom(r.Context())
	if perm != auth.Public {
		if a == nil {
			if api {
				Error(w, r, errUnauthorized)
			} else {
				http.Redirect(w, r, "/login?next="+safeNext(r.URL.RequestURI()), http.StatusSeeOther)
			}
			return
		}
		// A generated or reset password is changed before anything else:
		// pages lead to the form, and the API (a session's or a token's)
		// refuses until it is done, so an old token cannot get around it.
		if a.MustChange && r.URL.Path != "/password" && r.URL.Path != "/logout" {
			if api {
				Error(w, r, errMustChange)
			} else {
				http.Redirect(w, r, "/password", http.StatusSeeOther)
			}
			return
		}
		if !a.HasAnywhere(perm) {
			Error(w, r, errForbidden)
			return
		}
	}
	if err := h(w, r); err != nil {
		Error(w, r, err)
	}
}

// unrouted stands between ServeMux and the response until a route takes
// the request. What reaches it is ServeMux's answer for a request no route
// matched: http.Error's 404 or 405 (with Allow set), or a redirect to the
// cleaned path, which passes through.
type unrouted struct {
	http.ResponseWriter
	r    *http.Request
	sent bool // our answer is out; ServeMux's text is dropped
}

var errMethod = errs.E(errs.Invalid, "err.method_not_allowed")

var errMustChange = errs.E(errs.Forbidden, "err.password_must_change")

func (u *unrouted) WriteHeader(code int) {
	if u.sent {
		return
	}
	switch code {
	case http.StatusNotFound:
		u.sent = true
		writeError(u.ResponseWriter, u.r, code, errs.ErrNotFound)
	case http.StatusMethodNotAllowed:
		u.sent = true
		writeError(u.ResponseWriter, u.r, code, errMethod)
	default:
		u.ResponseWriter.WriteHeader(code)
	}
}

func (u *unrouted) Write(b []byte) (int, error) {
	if u.sent {
		return len(b), nil
	}
	return u.ResponseWriter.Write(b)
}

func (u *unrouted) Unwrap() http.ResponseWriter { return u.ResponseWriter }

// statusWriter remembers the status code for metrics and logs.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// safeNext keeps a post-login redirect on this site: only a path that starts
// with a single "/" is accepted (no "//host" or scheme).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// SafeNext is safeNext for handlers that redirect after a form.
func SafeNext(next string) string { return safeNext(next) }
