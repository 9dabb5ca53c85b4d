package campaign

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/org"
	"qinggong/internal/web"
)

// campaignRoutes registers the board, campaigns, quotas and nominations.
// Reading needs campaign.nominate (organizers hold it too); organizing
// needs campaign.manage; each object is checked again in the service.
func campaignRoutes(r *web.Router, h *Handler) {
	r.Get("/campaigns", auth.CampaignNominate, h.board)
	r.Get("/campaigns/new", auth.CampaignManage, h.newForm)
	r.Post("/campaigns", auth.CampaignManage, h.create)
	r.Get("/campaigns/{id}", auth.CampaignNominate, h.show)
	r.Post("/campaigns/{id}/stage", auth.CampaignManage, h.advance)
	r.Get("/campaigns/{id}/quotas", auth.CampaignNominate, h.quotaPage)
	r.Post("/campaigns/{id}/quotas", auth.CampaignManage, h.quotaSet)
	r.Get("/campaigns/{id}/nominate", auth.CampaignNominate, h.nominateForm)
	r.Post("/campaigns/{id}/nominations", auth.CampaignNominate, h.nominate)
	r.Get("/campaigns/{id}/nominations.xlsx", auth.CampaignNominate, h.exportNominations)
	r.Get("/campaigns/{id}/notice/new", auth.CampaignManage, h.noticeNew)
	r.Post("/campaigns/{id}/notice", auth.CampaignManage, h.noticePublish)
	r.Get("/campaigns/{id}/winners/new", auth.CampaignManage, h.winnersNew)
	r.Post("/campaigns/{id}/winners", auth.CampaignManage, h.winnersName)
	r.Get("/applications", auth.Authenticated, h.openings)
	r.Get("/campaigns/{id}/apply", auth.Authenticated, h.applyForm)
	r.Post("/campaigns/{id}/apply", auth.Authenticated, h.apply)
	r.Get("/campaigns/{id}/refer", auth.Authenticated, h.referForm)
	r.Post("/campaigns/{id}/refer", auth.Authenticated, h.refer)
	r.Get("/nominations/{id}", auth.CampaignNominate, h.nomination)
	r.Get("/nominations/{id}/files/{field}", auth.CampaignNominate, h.nominationFile)
	r.Post("/nominations/{id}/{action}", auth.CampaignNominate, h.nominationAct)

	r.Get("/api/v1/campaign-templates", auth.CampaignNominate, h.apiTemplates)
	r.Get("/api/v1/campaigns", auth.CampaignNominate, h.apiBoard)
	r.Post("/api/v1/campaigns", auth.CampaignManage, h.apiCreate)
	r.Get("/api/v1/campaigns/{id}", auth.CampaignNominate, h.apiGet)
	r.Post("/api/v1/campaigns/{id}/stage", auth.CampaignManage, h.apiAdvance)
	r.Get("/api/v1/campaigns/{id}/quotas", auth.CampaignNominate, h.apiQuotas)
	r.Put("/api/v1/campaigns/{id}/quotas/{org}", auth.CampaignManage, h.apiQuotaSet)
	r.Get("/api/v1/campaigns/{id}/nominations", auth.CampaignNominate, h.apiNominations)
	r.Post("/api/v1/campaigns/{id}/nominations", auth.CampaignNominate, h.apiNominate)
	r.Post("/api/v1/campaigns/{id}/notice", auth.CampaignManage, h.apiPublicize)
	r.Put("/api/v1/campaigns/{id}/tiers", auth.CampaignManage, h.apiSetTiers)
	r.Get("/api/v1/applications", auth.Authenticated, h.apiOpenings)
	r.Post("/api/v1/campaigns/{id}/apply", auth.Authenticated, h.apiApply)
	r.Get("/api/v1/referrals", auth.Authenticated, h.apiReferralOpenings)
	r.Post("/api/v1/campaigns/{id}/refer", auth.Authenticated, h.apiRefer)
	r.Get("/api/v1/nominations/{id}", auth.CampaignNominate, h.apiNomination)
	r.Post("/api/v1/nominations/{id}/{action}", auth.CampaignNominate, h.apiNominationAct)
}

func (h *Handler) board(w http.ResponseWriter, r *http.Request) error {
	return h.actorCached(w, r, func(buf *bytes.Buffer) error {
		ctx := r.Context()
		list, err := h.Campaigns.Board(ctx, auth.ActorFrom(ctx))
		if err != nil {
			return err
		}
		return boardPage(web.NewPage(w, r, web.T(ctx, "campaign.board"), "nav.campaigns"), list).Render(ctx, buf)
	})
}

func (h *Handler) newForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := formData{In: Input{ScopeKind: "org", NomineeKind: NomineePerson, Winners: 10}}
	if t, ok := TemplateOf(r.URL.Query().Get("kind")); ok {
		f.In = t.input(web.T(ctx, t.TitleKey))
		for _, k := range t.Tiers {
			f.In.Tiers = append(f.In.Tiers, web.T(ctx, k))
		}
	}
	if o := auth.ActorFrom(ctx); o != nil {
		if home, err := h.Orgs.FindByID(ctx, o, o.OrgID); err == nil && o.Can(auth.CampaignManage, home.Path) {
			f.OrgCode = home.Code
		}
	}
	return h.renderForm(w, r, f)
}

func (h *Handler) renderForm(w http.ResponseWriter, r *http.Request, f formData) error {
	ctx := r.Context()
	if f.Errors != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return web.Render(ctx, w, campaignForm(web.NewPage(w, r, web.T(ctx, "campaign.new"), "nav.campaigns"), f))
}

// input is the template as a draft campaign's form values.
func (t Template) input(title string) Input {
	return Input{Title: title, Kind: t.Kind, NomineeKind: t.NomineeKind, Rules: t.Rules, Winners: t.Winners, SelfApply: t.SelfApply, Referral: t.Referral,
		ScopeKind: "org"}
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	f, fe := readForm(r)
	if o, err := h.Orgs.FindByCode(ctx, a, auth.CampaignManage, f.OrgCode); err == nil {
		f.In.OrgID, f.In.ScopeID = o.ID, o.ID
	} else {
		fe.Add("org_code", "err.org_unknown")
	}
	if f.ScopeCode != "" && f.In.ScopeKind == "org" {
		if o, err := h.Orgs.FindByCode(ctx, a, auth.OrgRead, f.ScopeCode); err == nil {
			f.In.ScopeID = o.ID
		} else {
			fe.Add("scope_code", "err.org_unknown")
		}
	}
	if err := fe.Err(); err != nil {
		f.Errors = web.FieldErrors(err)
		return h.renderForm(w, r, f)
	}
	c, err := h.Campaigns.Create(ctx, a, f.In)
	if fields := web.FieldErrors(err); fields != nil {
		f.Errors = renamed(fields, map[string]string{"org_id": "org_code", "scope_id": "scope_code"})
		return h.renderForm(w, r, f)
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, campaignPath(c.ID, ""), "campaign.created")
}

// renamed maps service field names to the form's.
func renamed(fields map[string]string, names map[string]string) map[string]string {
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		if n, ok := names[k]; ok {
			k = n
		}
		out[k] = v
	}
	return out
}

// readForm reads the campaign form.
func readForm(r *http.Request) (formData, errs.Fields) {
	var fe errs.Fields
	num := func(name string) int {
		v := strings.TrimSpace(r.PostFormValue(name))
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			fe.Add(name, "err.invalid")
		}
		return n
	}
	f := formData{OrgCode: strings.TrimSpace(r.PostFormValue("org_code")), ScopeCode: strings.TrimSpace(r.PostFormValue("scope_code"))}
	f.In = Input{Title: r.PostFormValue("title"), Kind: r.PostFormValue("kind"), NomineeKind: r.PostFormValue("nominee_kind"),
		ScopeKind: "org", Winners: num("winners"), Total: num("total"), SelfApply: r.PostFormValue("self_apply") == "on",
		Referral: r.PostFormValue("referral") == "on"}
	f.In.Rules = Rules{AgeMax: num("rules.age_max"), AgeOn: strings.TrimSpace(r.PostFormValue("rules.age_on")),
		SkillLevel: num("rules.skill_level"), MoralMin: num("rules.moral_min"), HeldKind: r.PostFormValue("rules.held_kind"),
		HeldYears: num("rules.held_years"), CleanRecord: r.PostFormValue("rules.clean_record") == "on"}
	f.In.Tiers = splitTiers(r.PostFormValue("tiers"))
	for i := range maxFormFields {
		k := "form." + strconv.Itoa(i)
		label := strings.TrimSpace(r.PostFormValue(k + ".label"))
		if label == "" {
			continue
		}
		f.In.Form = append(f.In.Form, FormField{Key: "f" + strconv.Itoa(i+1), Label: label, Kind: r.PostFormValue(k + ".kind"),
			Required: r.PostFormValue(k+".required") == "on", Max: num(k + ".max"), Choices: splitTiers(r.PostFormValue(k + ".choices"))})
	}
	for _, st := range Stages[1:] {
		if v := strings.TrimSpace(r.PostFormValue("dates." + st)); v != "" {
			if f.In.Dates == nil {
				f.In.Dates = map[string]string{}
			}
			f.In.Dates[st] = v
		}
	}
	for _, ut := range org.UnitTypes {
		if n := num("sector." + ut); n > 0 {
			f.In.Sectors = append(f.In.Sectors, SectorTarget{Sector: ut, Min: n})
		}
	}
	for _, p := range r.PostForm["rules.political"] {
		if p != "" {
			f.In.Rules.Political = append(f.In.Rules.Political, p)
		}
	}
	return f, fe
}

// maxFormFields is how many fields of its own the campaign form offers.
const maxFormFields = 6

// splitTiers reads tiers typed in one line, separated by commas or 、.
func splitTiers(v string) []string {
	var out []string
	for _, t := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == '\n' }) {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func campaignPath(id int64, suffix string) string {
	return "/campaigns/" + strconv.FormatInt(id, 10) + suffix
}

func (h *Handler) show(w http.ResponseWriter, r *http.Request) error {
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
	f, err := nominationFilter(r.URL.Query())
	if err != nil {
		return err
	}
	d := showData{C: c, Manage: a.Can(auth.CampaignManage, c.OrgPath), Filter: f}
	if d.Page, err = h.Campaigns.Nominations(ctx, a, id, f); err != nil {
		return err
	}
	if d.Quotas, err = h.Campaigns.Quotas(ctx, a, id); err != nil {
		return err
	}
	if d.Counts, err = h.Campaigns.Counts(ctx, id); err != nil {
		return err
	}
	if d.Page.Next > 0 {
		q := r.URL.Query()
		q.Set("after", strconv.FormatInt(d.Page.Next, 10))
		d.NextURL = campaignPath(id, "?"+q.Encode())
	}
	return web.Render(ctx, w, showPage(web.NewPage(w, r, c.Title, "nav.campaigns"), d))
}

// nominationFilter reads the nominations list's filters.
func nominationFilter(q url.Values) (NominationFilter, error) {
	var fe errs.Fields
	f := NominationFilter{Status: q.Get("status")}
	for name, dst := range map[string]*int64{"after": &f.After} {
		if v := q.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				fe.Add(name, "err.invalid")
			}
			*dst = n
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			fe.Add("limit", "err.invalid")
		}
		f.Limit = n
	}
	return f, fe.Err()
}

func (h *Handler) advance(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Campaigns.Advance(ctx, auth.ActorFrom(ctx), id, r.PostFormValue("to")); err != nil {
		if e, ok := errs.As(err); ok && e.Kind == errs.Conflict {
			web.SetFlash(w, "error", e.Msg)
			return web.Redirect(w, r, campaignPath(id, ""), "")
		}
		return err
	}
	return web.Redirect(w, r, campaignPath(id, ""), "campaign.stage_moved")
}

func (h *Handler) quotaPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderQuotas(w, r, "", nil)
}

func (h *Handler) renderQuotas(w http.ResponseWriter, r *http.Request, code string, fields map[string]string) error {
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
	qs, err := h.Campaigns.Quotas(ctx, a, id)
	if err != nil {
		return err
	}
	if fields != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return web.Render(ctx, w, quotaPage(web.NewPage(w, r, c.Title, "nav.campaigns"), c, qs, code, r.PostFormValue("quota"), fields))
}

func (h *Handler) quotaSet(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	code := strings.TrimSpace(r.PostFormValue("org_code"))
	o, err := h.Orgs.FindByCode(ctx, a, auth.OrgRead, code)
	if err != nil {
		return h.renderQuotas(w, r, code, map[string]string{"org_code": "err.org_unknown"})
	}
	n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("quota")))
	if err != nil {
		return h.renderQuotas(w, r, code, map[string]string{"quota": "err.invalid"})
	}
	if _, err := h.Campaigns.SetQuota(ctx, a, id, o.ID, n); err != nil {
		if fields := web.FieldErrors(err); fields != nil {
			return h.renderQuotas(w, r, code, renamed(fields, map[string]string{"org_id": "org_code"}))
		}
		if e, ok := errs.As(err); ok && e.Kind == errs.Conflict {
			return h.renderQuotas(w, r, code, map[string]string{"quota": e.Msg})
		}
		return err
	}
	return web.Redirect(w, r, campaignPath(id, "/quotas"), "campaign.quota_set")
}
