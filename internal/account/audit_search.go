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

func auditFilter(r *http.Request) audit.Filter {
	q := r.URL.Query()
	f := audit.Filter{Actor: q.Get("actor"), Action: q.Get("action")}
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	if t, err := time.Parse("2006-01-02", q.Get("from")); err == nil {
		f.From = t.Add(-8 * time.Hour)
	}
	if t, err := time.Parse("2006-01-02", q.Get("to")); err == nil {
		f.To = t.Add(16 * time.Hour)
	}
	return f
}

// recordQuery audits the auditor's own search (等保: audit queries are audited too).
func (h *Handler) recordQuery(r *http.Request, action string, f audit.Filter, n int) error {
	ctx := r.Context()
	return h.DB.InTx(ctx, func(tx *db.Tx) error {
		return h.Audit.Record(ctx, tx, audit.Entry{Action: action,
			Summary: fmt.Sprintf("actor=%q action=%q before=%d rows=%d", audit.Clean(f.Actor), audit.Clean(f.Action), f.Before, n)})
	})
}

func (h *Handler) auditSearch(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := auditFilter(r)
	f.Limit = 50
	rows, err := h.Audit.Find(ctx, h.DB.R(), f)
	if err != nil {
		return err
	}
	if err := h.recordQuery(r, "audit.query", f, len(rows)); err != nil {
		return err
	}
	next := ""
	if len(rows) == f.Limit {
		v := url.Values{"actor": {f.Actor}, "action": {f.Action}, "before": {strconv.FormatInt(rows[len(rows)-1].Seq, 10)}}
		next = "/audit?" + v.Encode()
	}
	query := url.Values{"actor": {f.Actor}, "action": {f.Action}}.Encode()
	web.HTML(w)
	return web.Render(ctx, w, auditPage(web.NewPage(w, r, web.T(ctx, "audit.title"), "nav.audit"), f, rows, next, query))
}

// auditExport streams the matching rows (up to 100,000) as CSV.
func (h *Handler) auditExport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := auditFilter(r)
	f.Limit = 100000
	rows, err := h.Audit.Find(ctx, h.DB.R(), f)
	if err != nil {
		return err
	}
	if err := h.recordQuery(r, "audit.export", f, len(rows)); err != nil {
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
