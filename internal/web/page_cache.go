package web

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"qinggong/internal/auth"
)

// PageCache keeps rendered signed-in pages that are read again and again
// between changes and are the same bytes for one account until something
// they show changes. A page is kept under the account, its name and
// language, the address, and the database version counters the caller
// names (read with the session: the cache version for grants and the tree,
// and the counters of what the page shows). So a hit costs no statement
// beyond the session's own, and it covers authorization too: the page was
// rendered for this account after its checks passed, and nothing those
// checks read has changed since. A full cache (512 pages) starts over;
// the zero value is ready to use.
type PageCache struct {
	mu    sync.Mutex
	pages map[string][]byte
}

const pageCacheMax = 512

// Serve answers from the cache when it holds the page for this account,
// address and versions; otherwise it renders it with render, keeps the
// bytes when rendering succeeded, and sends them. A pending flash message
// (shown once), an anonymous actor or an unknown version ("") renders
// afresh and keeps nothing.
func (c *PageCache) Serve(w http.ResponseWriter, r *http.Request, versions []string, render func(*bytes.Buffer) error) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	key := ""
	if !HasFlash(r) && a != nil && len(versions) > 0 && !slices.Contains(versions, "") {
		key = strings.Join(append([]string{strconv.FormatInt(a.UserID, 10), a.Name, Lang(ctx), r.URL.RequestURI()}, versions...), "|")
		if b, hit := c.Get(key); hit {
			return Send(w, b)
		}
	}
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	if key != "" {
		c.Put(key, bytes.Clone(buf.Bytes()))
	}
	return Send(w, buf.Bytes())
}

// Get returns the page kept under key (for callers with keys of their
// own, a public page say).
func (c *PageCache) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.pages[key]
	return b, ok
}

// Put keeps b under key.
func (c *PageCache) Put(key string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pages == nil || len(c.pages) >= pageCacheMax {
		c.pages = map[string][]byte{}
	}
	c.pages[key] = b
}

// Send writes a rendered page in one write, as Render does.
func Send(w http.ResponseWriter, b []byte) error {
	HTML(w)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, err := w.Write(b)
	return err
}
