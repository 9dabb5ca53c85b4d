package account

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/db"
	"qinggong/internal/web"
)

// auditQuery is the auditor's search as typed: the filter, the words of q
// resolved to action codes and records, and whether the words matched
// nothing at all (then no row is looked for).
type auditQuery struct {
	F       audit.Filter
	Q       string
	NoMatch bool
}

func (h *Handler) auditQuery(r *http.Request) (auditQuery, error) {
	q := r.URL.Query()
	aq := auditQuery{F: audit.Filter{Actor: q.Get("actor"), Action: q.Get("action")}, Q: q.Get("q")}
	aq.F.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	if t, err := time.Parse("2006-01-02", q.Get("from")); err == nil {
		aq.F.From = t.Add(-8 * time.Hour)
	}
	if t, err := time.Parse("2006-01-02", q.Get("to")); err == nil {
		aq.F.To = t.Add(16 * time.Hour)
	}
	if aq.Q != "" {
		var err error
		if aq.F.Actions, aq.F.Objects, err = h.auditTerms(r.Context(), aq.Q); err != nil {
			return aq, err
		}
		aq.NoMatch = len(aq.F.Actions) == 0 && len(aq.F.Objects) == 0
	}
	return aq, nil
}

// values is the query string of the search, without the page.
func (aq auditQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"actor": aq.F.Actor, "action": aq.F.Action, "q": aq.Q} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

func (h *Handler) find(r *http.Request, aq auditQuery) ([]audit.Record, error) {
	if aq.NoMatch {
		return nil, nil
	}
	return h.Audit.Find(r.Context(), h.DB.R(), aq.F)
}

// recordQuery audits the auditor's own search (等保: audit queries are audited too).
func (h *Handler) recordQuery(r *http.Request, action string, aq auditQuery, n int) error {
	ctx := r.Context()
	return h.DB.InTx(ctx, func(tx *db.Tx) error {
		return h.Audit.Record(ctx, tx, audit.Entry{Action: action,
			Summary: fmt.Sprintf("actor=%q action=%q q=%q before=%d rows=%d", audit.Clean(aq.F.Actor), audit.Clean(aq.F.Action),
				audit.Clean(aq.Q), aq.F.Before, n)})
	})
}

func (h *Handler) auditSearch(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	aq, err := h.auditQuery(r)
	if err != nil {
		return err
	}
	aq.F.Limit = 50
	rows, err := h.find(r, aq)
	if err != nil {
		return err
	}
	if err := h.recordQuery(r, "audit.query", aq, len(rows)); err != nil {
		return err
	}
	names, err := h.objectNames(ctx, rows)
	if err != nil {
		return err
	}
	next := ""
	if len(rows) == aq.F.Limit {
		v := aq.values()
		v.Set("before", strconv.FormatInt(rows[len(rows)-1].Seq, 10))
		next = "/audit?" + v.Encode()
	}
	web.HTML(w)
	return web.Render(ctx, w, auditPage(web.NewPage(w, r, web.T(ctx, "audit.title"), "nav.audit"), aq, rows, names, next))
}

// auditExport streams the matching rows (up to 100,000) as CSV, in codes
// (the file is for tools; the page is for people).
func (h *Handler) auditExport(w http.ResponseWriter, r *http.Request) error {
	aq, err := h.auditQuery(r)
	if err != nil {
		return err
	}
	aq.F.Limit = 100000
	rows, err := h.find(r, aq)
	if err != nil {
		return err
	}
	if err := h.recordQuery(r, "audit.export", aq, len(rows)); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit.csv"`)
	w.Write([]byte("\xEF\xBB\xBF")) // BOM, so spreadsheet programs read UTF-8
	cw := csv.NewWriter(w)
	cw.Write([]string{"seq", "at", "actor", "role", "org_id", "ip", "action", "object_type", "object_id", "summary", "result", "request_id"})
	for _, x := range rows {
		cw.Write([]string{strconv.FormatInt(x.Seq, 10), x.At.UTC().Format(time.RFC3339), x.ActorLogin, x.Role,
			strconv.FormatInt(x.OrgID, 10), x.IP, x.Action, x.ObjectType, strconv.FormatInt(x.ObjectID, 10), csvSafe(x.Summary), x.Result, x.RequestID})
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses spreadsheet formulas in exported text.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}
