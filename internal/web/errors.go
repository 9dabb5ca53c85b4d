package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"qinggong/internal/errs"
)

var (
	errUnauthorized = errs.E(errs.Unauthorized, "err.login_required")
	errForbidden    = errs.E(errs.Forbidden, "err.forbidden")
)

// Status maps an error kind to its HTTP status, once, here.
func Status(k errs.Kind) int {
	switch k {
	case errs.Invalid:
		return http.StatusUnprocessableEntity
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Conflict:
		return http.StatusConflict
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.Unauthorized:
		return http.StatusUnauthorized
	case errs.Locked:
		return http.StatusLocked
	case errs.TooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// Problem is an RFC 9457 problem details body, with field messages in Errors.
type Problem struct {
	Type   string            `json:"type"`
	Title  string            `json:"title"`
	Status int               `json:"status"`
	Detail string            `json:"detail,omitempty"`
	Errors map[string]string `json:"errors,omitempty"`
}

// Error renders err for the request: problem details under /api/, an error
// page otherwise. Internal errors are logged with the request ID and shown
// only as a generic message.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	ctx := r.Context()
	e, ok := errs.As(err)
	if !ok {
		e = &errs.Error{Kind: errs.Internal, Msg: "err.internal", Cause: err}
	}
	status := Status(e.Kind)
	if status == http.StatusInternalServerError {
		Logger(ctx).ErrorContext(ctx, "request failed", "err", err.Error(), "path", r.URL.Path)
	}
	writeError(w, r, status, e)
}

// writeError sends e with status, which need not be e's kind's (ServeMux's
// 405 has no kind of its own).
func writeError(w http.ResponseWriter, r *http.Request, status int, e *errs.Error) {
	ctx := r.Context()
	if IsAPI(r) {
		p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: T(ctx, e.Msg)}
		if len(e.Fields) > 0 {
			p.Errors = make(map[string]string, len(e.Fields))
			for f, k := range e.Fields {
				p.Errors[f] = T(ctx, k)
			}
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(p)
		return
	}
	msg := T(ctx, e.Msg)
	if len(e.Fields) > 0 {
		var parts []string
		for f, k := range e.Fields {
			parts = append(parts, T(ctx, "field."+f)+": "+T(ctx, k))
		}
		msg += " " + strings.Join(parts, "; ")
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if IsHTMX(r) {
		Render(ctx, w, ErrorFragment(status, msg))
		return
	}
	Render(ctx, w, ErrorPage(status, msg))
}

// IsAPI reports whether the request is for the JSON API.
func IsAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// IsHTMX reports whether htmx sent the request (it wants a fragment).
func IsHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

// JSON writes v with status.
func JSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// DecodeJSON reads a JSON body of at most 1 MiB into v, refusing unknown
// fields (minimum necessary: nothing is accepted that the registry lacks).
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &errs.Error{Kind: errs.Invalid, Msg: "err.bad_json", Cause: err}
	}
	return nil
}

var errPanic = errs.E(errs.Internal, "err.internal")

// PathID reads a numeric path parameter; a malformed or non-positive one
// is NotFound, like a missing object.
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.ErrNotFound
	}
	return id, nil
}

// FieldErrors returns the field messages of an Invalid error (empty, not
// nil, when it has none), and nil for any other error.
func FieldErrors(err error) map[string]string {
	if e, ok := errs.As(err); ok && e.Kind == errs.Invalid {
		if e.Fields == nil {
			return map[string]string{}
		}
		return e.Fields
	}
	return nil
}

// WithID runs fn with the {id} of the path and answers what it returns as
// JSON with status: the shape of most API routes on one object.
func WithID[T any](w http.ResponseWriter, r *http.Request, status int, fn func(id int64) (T, error)) error {
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := fn(id)
	if err != nil {
		return err
	}
	return JSON(w, status, v)
}
