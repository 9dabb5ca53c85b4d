package campaign

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"qinggong/internal/attach"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/person"
	"qinggong/internal/sheet"
	"qinggong/internal/web"
)

// nominateData is what the nomination form shows: the nominating
// organization once chosen, and the nominees it may put forward.
type nominateData struct {
	C         *Campaign
	OrgCode   string
	OrgName   string
	Choices   []choice // people or organizations of the chosen organization's subtree
	In        NominateInput
	Errors    map[string]string
	MoreExist bool // more candidates than shown: search narrows them
	Query     string
}

type choice struct {
	ID   int64
	Name string
	Note string
}

func (h *Handler) nominateForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	return h.renderNominate(w, r, strings.TrimSpace(q.Get("org_code")), strings.TrimSpace(q.Get("q")), NominateInput{}, nil)
}

// renderNominate shows the form; with an organization chosen it lists up
// to 200 candidates of its subtree (a name or initials query narrows them).
func (h *Handler) renderNominate(w http.ResponseWriter, r *http.Request, code, query string, in NominateInput, fields map[string]string) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Campaigns.Get(ctx, a, id)
	if err != nil {
		return err
	}
	d := nominateData{C: c, OrgCode: code, In: in, Errors: fields, Query: query}
	if code != "" {
		o, err := h.Orgs.FindByCode(ctx, a, auth.CampaignNominate, code)
		if err != nil {
			if d.Errors == nil {
				d.Errors = map[string]string{}
			}
			d.Errors["org_code"] = "err.org_unknown"
		} else {
			d.OrgName, d.In.OrgID = o.Name, o.ID
			if d.Choices, d.MoreExist, err = h.Campaigns.candidates(ctx, a, c, o.ID, query); err != nil {
				return err
			}
		}
	}
	if fields != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return web.Render(ctx, w, nominatePage(web.NewPage(w, r, c.Title, "nav.campaigns"), d))
}

func (h *Handler) nominate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	in, err := readNominationForm(w, r)
	if err != nil {
		return err
	}
	code := strings.TrimSpace(r.PostFormValue("org_code"))
	in.NomineeID, _ = strconv.ParseInt(r.PostFormValue("nominee_id"), 10, 64)
	if o, err := h.Orgs.FindByCode(ctx, a, auth.CampaignNominate, code); err == nil {
		in.OrgID = o.ID
	}
	n, err := h.Campaigns.Nominate(ctx, a, id, in)
	if fields := web.FieldErrors(err); fields != nil {
		return h.renderNominate(w, r, code, "", in, renamed(fields, map[string]string{"org_id": "org_code", "nominee": "nominee_id"}))
	}
	if e, ok := errs.As(err); ok && e.Kind == errs.Conflict {
		return h.renderNominate(w, r, code, "", in, map[string]string{"nominee_id": e.Msg})
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, nominationPath(n.ID), "campaign.nominated")
}

// readNominationForm reads a nomination or application form: its
// fields, the answers to the campaign's own form (answers.<key>) and its
// files (file.<key>), multipart parts bounded by the attachments the form
// may carry.
func readNominationForm(w http.ResponseWriter, r *http.Request) (NominateInput, error) {
	r.Body = http.MaxBytesReader(w, r.Body, 21*MaxAttachment)
	if err := r.ParseMultipartForm(8 << 20); err != nil && err != http.ErrNotMultipart {
		return NominateInput{}, (errs.Fields{"form": "err.file_too_large"}).Err()
	}
	in := NominateInput{Moral: r.PostFormValue("moral"), Summary: r.PostFormValue("summary"), Answers: map[string]string{},
		Files: map[string]*Attachment{}}
	for k, v := range r.PostForm {
		if key, ok := strings.CutPrefix(k, "answers."); ok && len(v) > 0 {
			in.Answers[key] = v[0]
		}
	}
	if r.MultipartForm == nil {
		return in, nil
	}
	for k, fhs := range r.MultipartForm.File {
		key, ok := strings.CutPrefix(k, "file.")
		if !ok || len(fhs) == 0 {
			continue
		}
		f, err := fhs[0].Open()
		if err != nil {
			return in, err
		}
		data, err := io.ReadAll(io.LimitReader(f, MaxAttachment+1))
		f.Close()
		if err != nil {
			return in, err
		}
		in.Files[key] = &Attachment{Name: fhs[0].Filename, Data: data}
	}
	return in, nil
}

func nominationPath(id int64) string { return "/nominations/" + strconv.FormatInt(id, 10) }

func (h *Handler) nomination(w http.ResponseWriter, r *http.Request) error {
	return h.renderNomination(w, r, "", nil)
}

func (h *Handler) renderNomination(w http.ResponseWriter, r *http.Request, action string, fields map[string]string) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := h.Campaigns.History(ctx, a, id)
	if err != nil {
		return err
	}
	if fields != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return web.Render(ctx, w, nominationPage(web.NewPage(w, r, v.N.NomineeName, "nav.campaigns"), v, action, fields))
}

// nominationAct runs one of a nomination's actions from its page.
func (h *Handler) nominationAct(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	action := r.PathValue("action")
	_, err = h.Campaigns.act(ctx, auth.ActorFrom(ctx), id, action, actInput{Opinion: r.PostFormValue("opinion"),
		Rank: r.PostFormValue("rank"), Reason: r.PostFormValue("reason"), Moral: r.PostFormValue("moral"), Summary: r.PostFormValue("summary")})
	if fields := web.FieldErrors(err); fields != nil {
		return h.renderNomination(w, r, action, fields)
	}
	if e, ok := errs.As(err); ok && e.Kind == errs.Conflict {
		return h.renderNomination(w, r, action, map[string]string{"action": e.Msg})
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, nominationPath(id), "campaign.done_"+action)
}

// nominationFile sends one of a nomination's attached files.
func (h *Handler) nominationFile(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a, err := h.Campaigns.File(ctx, auth.ActorFrom(ctx), id, r.PathValue("field"))
	if err != nil {
		return err
	}
	return attach.Serve(w, a)
}

// exportNominations writes the nominations the actor sees to .xlsx.
func (h *Handler) exportNominations(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Campaigns.Get(ctx, a, id)
	if err != nil {
		return err
	}
	t := func(k string) string { return web.T(ctx, k) }
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="nominations-%d.xlsx"`, c.ID))
	sw, err := sheet.NewWriter(w, t("campaign.sheet"), []string{t("campaign.col.id"), t("campaign.col.nominee"), t("campaign.col.origin"),
		t("campaign.col.holder"), t("campaign.col.status"), t("campaign.col.moral"), t("campaign.col.summary"), t("campaign.col.created")},
		[]float64{8, 16, 24, 24, 10, 40, 60, 12})
	if err != nil {
		return err
	}
	f := NominationFilter{Limit: 500}
	for {
		p, err := h.Campaigns.Nominations(ctx, a, id, f)
		if err != nil {
			return err
		}
		for _, n := range p.Items {
			if err := sw.Row(n.ID, n.NomineeName, n.OriginName, n.HolderName, t("campaign.status."+n.Status), n.Moral, n.Summary,
				n.CreatedAt); err != nil {
				return err
			}
		}
		if p.Next == 0 {
			break
		}
		f.After = p.Next
	}
	return sw.Close()
}

// candidates lists nominees the organization at orgID may put forward:
// its subtree's people (or organizations), up to 200, narrowed by query.
func (s *Service) candidates(ctx context.Context, by *auth.Actor, c *Campaign, orgID int64, query string) ([]choice, bool, error) {
	const most = 200
	var out []choice
	switch c.NomineeKind {
	case NomineePerson:
		k, ok := s.kinds[NomineePerson].(PersonKind)
		if !ok {
			return nil, false, nil
		}
		p, err := k.People.Find(ctx, by, person.Filter{Under: orgID, Query: query, Limit: most + 1})
		if err != nil {
			return nil, false, err
		}
		for _, x := range p.People {
			out = append(out, choice{ID: x.ID, Name: x.Name, Note: x.Trade})
		}
	case NomineeOrg:
		o, err := s.orgs.FindByID(ctx, by, orgID)
		if err != nil {
			return nil, false, err
		}
		rows, err := s.db.R().QueryContext(ctx, `SELECT id, name, code FROM orgs WHERE path >= $1 AND path < $2 AND status = 'active'
			ORDER BY path LIMIT $3`, o.Path, db.PathUpper(o.Path), most+1)
		if err != nil {
			return nil, false, err
		}
		defer rows.Close()
		for rows.Next() {
			var x choice
			if err := rows.Scan(&x.ID, &x.Name, &x.Note); err != nil {
				return nil, false, err
			}
			out = append(out, x)
		}
		if err := rows.Err(); err != nil {
			return nil, false, err
		}
	}
	if len(out) > most {
		return out[:most], true, nil
	}
	return out, false, nil
}
