package campaign

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"qinggong/internal/db"
	"qinggong/internal/web"
)

// The public notice is the page a campaign's public reads, on phones,
// far more often than anything else of it, and every anonymous reader
// gets the same bytes. A notice cannot change once it has started
// (Publicize refuses), and what else it shows changes only with the
// campaign (its stage), the notice (replaced before it starts), the
// organizations' names (the cache version) or the day (objections open
// or not). So the rendered page is kept per campaign and language under
// those, read in one primary-key statement; any node serves a page only
// under the values it was rendered from.

// noticeKey is what a campaign's public notice page depends on; ok is
// false when the campaign has no notice (the page then answers 404 the
// usual way).
func (s *Service) noticeKey(ctx context.Context, campaignID int64, lang string) (string, bool, error) {
	var updated, published time.Time
	var version string
	err := s.db.R().QueryRowContext(ctx, `SELECT c.updated_at, n.published_at, `+db.VersionSQL+` FROM campaigns c
		JOIN notices n ON n.campaign_id = c.id WHERE c.id = $1`, campaignID).Scan(&updated, &published, &version)
	if errors.Is(err, db.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return fmt.Sprintf("%d|%s|%d|%d|%s|%s", campaignID, lang, updated.UnixNano(), published.UnixNano(), version, noticeDay(s.now())), true, nil
}

// servedCached answers the notice page from the cache when it holds the
// page under its current key; otherwise it renders with render, keeps the
// bytes and sends them.
func (h *Handler) servedCached(w http.ResponseWriter, r *http.Request, id int64, render func(*bytes.Buffer) error) error {
	ctx := r.Context()
	key, ok, err := h.Campaigns.noticeKey(ctx, id, web.Lang(ctx))
	if err != nil {
		return err
	}
	if ok {
		if b, hit := h.notices.Get(key); hit {
			return web.Send(w, b)
		}
	}
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	if ok {
		h.notices.Put(key, bytes.Clone(buf.Bytes()))
	}
	return web.Send(w, buf.Bytes())
}
