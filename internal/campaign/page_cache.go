package campaign

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"qinggong/internal/auth"
	"qinggong/internal/web"
)

// pageCache holds rendered pages by key; a full cache starts over.
type pageCache struct {
	mu    sync.Mutex
	pages map[string][]byte
}

const pageCacheMax = 512

func (c *pageCache) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.pages[key]
	return b, ok
}

func (c *pageCache) put(key string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pages == nil || len(c.pages) >= pageCacheMax {
		c.pages = map[string][]byte{}
	}
	c.pages[key] = b
}

// The organizers' board and a closed round's ranking are read again and
// again between changes, and each is the same bytes for one account until
// something it shows changes: a campaign write (the campaign version), a
// grant or an organization's name (the cache version), the account's name
// or language. All of those arrive with the session, so a page kept under
// them is served with no statement beyond the session's own. That also
// covers authorization: the page was rendered for this account after its
// checks passed, and nothing the checks read has changed since.

// actorCached answers a signed-in page from h.pages when it holds it for
// this account, address and versions; otherwise it renders it with
// render, keeps the bytes when rendering succeeded, and sends them. A
// pending flash message (shown once) or an unversioned actor renders
// afresh and keeps nothing.
func (h *Handler) actorCached(w http.ResponseWriter, r *http.Request, render func(*bytes.Buffer) error) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	key := ""
	if !web.HasFlash(r) && a != nil && a.Version != "" && a.CampaignVersion != "" {
		key = strings.Join([]string{strconv.FormatInt(a.UserID, 10), a.Name, web.Lang(ctx), r.URL.RequestURI(), a.Version, a.CampaignVersion}, "|")
		if b, hit := h.pages.get(key); hit {
			return send(w, b)
		}
	}
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	if key != "" {
		h.pages.put(key, bytes.Clone(buf.Bytes()))
	}
	return send(w, buf.Bytes())
}

// send writes a rendered page in one write, as web.Render does.
func send(w http.ResponseWriter, b []byte) error {
	web.HTML(w)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, err := w.Write(b)
	return err
}
