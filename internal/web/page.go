package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"

	"qinggong/internal/errs"
)

// Flash is a one-shot message shown on the next page (after a redirect).
type Flash struct {
	Kind string // "ok" or "error"
	Key  string // catalog key
}

const flashCookie = "qg_flash"

// SetFlash stores a message for the next page the browser loads.
func SetFlash(w http.ResponseWriter, kind, key string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(kind + ":" + key), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// HasFlash reports whether a message waits for the next page, which makes
// that page differ from the same page without one.
func HasFlash(r *http.Request) bool {
	_, err := r.Cookie(flashCookie)
	return err == nil
}

// NewPage starts a page: it takes the pending flash message, if any.
func NewPage(w http.ResponseWriter, r *http.Request, title, nav string) Page {
	p := Page{Title: title, Nav: nav, Path: r.URL.RequestURI()}
	if c, err := r.Cookie(flashCookie); err == nil {
		if v, err := url.QueryUnescape(c.Value); err == nil {
			for i := 0; i < len(v); i++ {
				if v[i] == ':' {
					p.Flash = &Flash{Kind: v[:i], Key: v[i+1:]}
					break
				}
			}
		}
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1})
	}
	return p
}

// Redirect answers a form post with 303 See Other and a flash message.
func Redirect(w http.ResponseWriter, r *http.Request, to, flashKey string) error {
	if flashKey != "" {
		SetFlash(w, "ok", flashKey)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// HTML marks the response as a page.
func HTML(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
}

// BaseURL is the scheme and host the request came to, for links printed
// on paper (a certificate's or a transcript's verification QR code).
func BaseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// Back answers a form posted from the page at to: a refusal (a conflict,
// or invalid input, whose first field message is shown) goes back with
// the reason as the flash; success goes back with okKey; any other error
// is returned for the error page.
func Back(w http.ResponseWriter, r *http.Request, to, okKey string, err error) error {
	e, isE := errs.As(err)
	switch {
	case err == nil:
		return Redirect(w, r, to, okKey)
	case !isE || (e.Kind != errs.Conflict && e.Kind != errs.Invalid):
		return err
	}
	msg := e.Msg
	if len(e.Fields) > 0 {
		keys := slices.Sorted(maps.Keys(e.Fields))
		msg = e.Fields[keys[0]]
	}
	SetFlash(w, "error", msg)
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
