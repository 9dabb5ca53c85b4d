package skills

import (
	"fmt"
	"net/http"

	"qinggong/internal/auth"
	"qinggong/internal/person"
	"qinggong/internal/sheet"
	"qinggong/internal/web"
)

// The double-climb list of a subtree, and the .xlsx exports of the
// overview and of that list.

// climbsData is the double-climb page.
type climbsData struct {
	OrgID   int64
	OrgName string
	Climbs  []Climb
}

func (h *Handler) climbList(r *http.Request) (*climbsData, error) {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	o, err := h.Orgs.ViewOrg(ctx, a, auth.PersonRead, r.URL.Query().Get("org"))
	if err != nil {
		return nil, err
	}
	list, err := h.Skills.Climbs(ctx, a, o)
	if err != nil {
		return nil, err
	}
	return &climbsData{OrgID: o.ID, OrgName: o.Name, Climbs: list}, nil
}

func (h *Handler) climbs(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := h.climbList(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("format") == "xlsx" {
		return h.exportClimbs(w, r, d)
	}
	return web.Render(ctx, w, climbsPage(web.NewPage(w, r, web.T(ctx, "skills.double_climb"), "nav.skills"), *d))
}

func (h *Handler) apiClimbs(w http.ResponseWriter, r *http.Request) error {
	d, err := h.climbList(r)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, d.Climbs)
}

func (h *Handler) apiClimb(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Climb, error) { return h.Skills.ClimbOf(ctx, auth.ActorFrom(ctx), id) })
}

func xlsxHeaders(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
}

func (h *Handler) exportClimbs(w http.ResponseWriter, r *http.Request, d *climbsData) error {
	ctx := r.Context()
	t := func(k string) string { return web.T(ctx, k) }
	xlsxHeaders(w, fmt.Sprintf("double-climb-%d.xlsx", d.OrgID))
	sw, err := sheet.NewWriter(w, t("skills.double_climb"), []string{t("skills.f.name"), t("skills.f.skill_level"), t("skills.f.raised_on"),
		t("skills.f.innovations"), t("skills.f.best_level"), t("skills.f.adopted"), t("skills.f.latest_on"), t("skills.double")},
		[]float64{14, 12, 12, 10, 12, 10, 12, 10})
	if err != nil {
		return err
	}
	for _, c := range d.Climbs {
		best, double := "", ""
		if c.BestLevel != "" {
			best = t("skills.level." + c.BestLevel)
		}
		if c.Double {
			double = "✓"
		}
		if err := sw.Row(c.Name, t(person.SkillLevelName(c.SkillLevel)), c.RaisedOn, c.Innovations, best, c.Adopted, c.LatestOn, double); err != nil {
			return err
		}
	}
	return sw.Close()
}

// exportOverview writes the overview's figures: a row per month, per
// category, per trade, per appraisal trade and per child organization.
func (h *Handler) exportOverview(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	ov, err := h.overview(r, true)
	if err != nil {
		return err
	}
	t := func(k string) string { return web.T(ctx, k) }
	xlsxHeaders(w, fmt.Sprintf("skills-%d-%d.xlsx", ov.Org.ID, ov.Year))
	sw, err := sheet.NewWriter(w, t("skills.overview"), []string{t("skills.f.section"), t("skills.f.item"), t("skills.f.credits"),
		t("skills.f.entries"), t("skills.f.persons")}, []float64{22, 30, 10, 10, 10})
	if err != nil {
		return err
	}
	rows := [][]any{}
	for _, m := range ov.Months {
		rows = append(rows, []any{t("skills.by_month"), m.Month, m.Credits, m.Entries, m.Persons})
	}
	for _, c := range ReportCategories {
		if n := ov.Categories[c]; n != 0 {
			rows = append(rows, []any{web.Tf(ctx, "skills.by_category", ov.Year), t("skills.category." + c), n, "", ""})
		}
	}
	trade := func(s string) string {
		if s == "" {
			return t("skills.no_trade")
		}
		return s
	}
	for _, x := range ov.Trades {
		rows = append(rows, []any{web.Tf(ctx, "skills.by_trade", ov.Year), trade(x.Trade), x.N, "", ""})
	}
	for _, x := range ov.Appraisals {
		rows = append(rows, []any{t("skills.appraisals_by_trade"), trade(x.Trade), "", "", x.N})
	}
	for _, c := range ov.Children {
		rows = append(rows, []any{t("skills.by_unit"), c.Org.Name, c.Credits, "", ""})
	}
	for _, row := range rows {
		if err := sw.Row(row...); err != nil {
			return err
		}
	}
	return sw.Close()
}
