package skills

import (
	"net/http"
	"strconv"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/web"
)

func competitionRoutes(r *web.Router, h *Handler) {
	r.Get("/competitions", auth.OrgRead, h.competitions)
	r.Post("/competitions", auth.SkillsManage, h.createCompetition)
	r.Get("/competitions/{id}", auth.Authenticated, h.competition)
	r.Post("/competitions/{id}/judges", auth.SkillsManage, h.addJudge)
	r.Post("/competitions/{id}/entries", auth.SkillsManage, h.enter)
	r.Post("/competitions/{id}/close", auth.SkillsManage, h.closeCompetition)
	r.Post("/competitions/{id}/nominate", auth.SkillsManage, h.nominatePlaced)
	r.Post("/competitions/{id}/advance", auth.SkillsManage, h.advanceRound)
	r.Post("/competition-entries/{id}/score", auth.Authenticated, h.score)
	r.Get("/api/v1/competitions", auth.OrgRead, h.apiCompetitions)
	r.Post("/api/v1/competitions", auth.SkillsManage, h.apiCreateCompetition)
	r.Get("/api/v1/competitions/{id}", auth.Authenticated, h.apiCompetition)
	r.Post("/api/v1/competitions/{id}/judges", auth.SkillsManage, h.apiAddJudge)
	r.Post("/api/v1/competitions/{id}/entries", auth.SkillsManage, h.apiEnter)
	r.Post("/api/v1/competitions/{id}/close", auth.SkillsManage, h.apiClose)
	r.Get("/api/v1/competitions/{id}/placed", auth.Authenticated, h.apiPlaced)
	r.Post("/api/v1/competitions/{id}/advance", auth.SkillsManage, h.apiAdvanceRound)
	r.Post("/api/v1/competitions/{id}/nominations", auth.SkillsManage, h.apiNominatePlaced)
	r.Post("/api/v1/competition-entries/{id}/score", auth.Authenticated, h.apiScore)
}

// competitionData is a competition's page.
type competitionData struct {
	C       *Competition
	Entries []CompetitionEntry
	Manage  bool
	Judge   bool
	Scored  map[int64]bool // entries the viewing judge has scored
	// Placed are the placed entrants of a closed competition, and
	// Campaigns the nominating person campaigns its organizer may put
	// them forward in.
	Placed    []PlacedNominee
	Campaigns []campaign.Summary
}

func (h *Handler) competitions(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	list, err := h.Skills.Competitions(ctx, a)
	if err != nil {
		return err
	}
	d := courseForm{V: map[string][]string{"level": {"enterprise"}}}
	if o, err := h.Orgs.FindByID(ctx, a, a.OrgID); err == nil && a.Can(auth.SkillsManage, o.Path) {
		d.V["org_code"] = []string{o.Code}
	}
	return web.Render(ctx, w, competitionsPage(web.NewPage(w, r, web.T(ctx, "skills.competitions"), "nav.skills"), list, a.HasAnywhere(auth.SkillsManage), d))
}

func (h *Handler) createCompetition(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	if err := r.ParseForm(); err != nil {
		return err
	}
	v := r.PostForm
	in := CompetitionInput{Title: v.Get("title"), Trade: v.Get("trade"), Level: v.Get("level"), Team: v.Get("team") == "on", HeldOn: v.Get("held_on")}
	if o, err := h.Orgs.FindByCode(ctx, a, auth.SkillsManage, strings.TrimSpace(v.Get("org_code"))); err == nil {
		in.OrgID = o.ID
	}
	c, err := h.Skills.CreateCompetition(ctx, a, in)
	if fields := web.FieldErrors(err); fields != nil {
		list, lerr := h.Skills.Competitions(ctx, a)
		if lerr != nil {
			return lerr
		}
		w.WriteHeader(http.StatusUnprocessableEntity)
		return web.Render(ctx, w, competitionsPage(web.NewPage(w, r, web.T(ctx, "skills.competitions"), "nav.skills"), list, true,
			courseForm{V: v, Errors: fields}))
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/competitions/"+strconv.FormatInt(c.ID, 10), "skills.competition_created")
}

func (h *Handler) competition(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	judge, scored, err := h.Skills.judging(ctx, a, id)
	if err != nil {
		return err
	}
	var d competitionData
	if judge {
		if d.C, err = competitionByID(ctx, h.Skills.db.R(), id); err == nil {
			d.Entries, err = entries(ctx, h.Skills.db.R(), id)
		}
	} else {
		d.C, d.Entries, err = h.Skills.Entries(ctx, a, id)
	}
	if err != nil {
		return err
	}
	d.Judge, d.Scored, d.Manage = judge, scored, a.Can(auth.SkillsManage, d.C.OrgPath)
	if d.Manage && d.C.Status == CompetitionClosed {
		if d.Placed, err = placed(ctx, h.Skills.db.R(), id); err != nil {
			return err
		}
		if d.Campaigns, err = h.Skills.nominatable(ctx, a, d.C.OrgPath); err != nil {
			return err
		}
	}
	return web.Render(ctx, w, competitionPage(web.NewPage(w, r, d.C.Title, "nav.skills"), d))
}

func (h *Handler) nominatePlaced(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	num := func(k string) int64 { n, _ := strconv.ParseInt(r.PostFormValue(k), 10, 64); return n }
	_, err = h.Skills.NominatePlaced(ctx, auth.ActorFrom(ctx), id, PlacementNomination{PersonID: num("person_id"),
		CampaignID: num("campaign_id"), Moral: r.PostFormValue("moral"), Summary: r.PostFormValue("summary")})
	return h.backToCompetition(w, r, id, "skills.nominated", err)
}

func (h *Handler) advanceRound(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	keep, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("keep")))
	_, err = h.Skills.AdvanceRound(ctx, auth.ActorFrom(ctx), id, keep)
	return h.backToCompetition(w, r, id, "skills.round_advanced", err)
}

func (h *Handler) apiAdvanceRound(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in struct {
		Keep int `json:"keep"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Competition, error) {
		return h.Skills.AdvanceRound(ctx, auth.ActorFrom(ctx), id, in.Keep)
	})
}

func (h *Handler) apiPlaced(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return web.WithID(w, r, http.StatusOK, func(id int64) ([]PlacedNominee, error) { return h.Skills.Placed(ctx, auth.ActorFrom(ctx), id) })
}

func (h *Handler) apiNominatePlaced(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in PlacementNomination
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusCreated, func(id int64) (*campaign.Nomination, error) {
		return h.Skills.NominatePlaced(ctx, auth.ActorFrom(ctx), id, in)
	})
}

func (h *Handler) backToCompetition(w http.ResponseWriter, r *http.Request, id int64, ok string, err error) error {
	return web.Back(w, r, "/competitions/"+strconv.FormatInt(id, 10), ok, err)
}

func (h *Handler) addJudge(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var uid int64
	if u, err := h.Skills.usersByLogin(ctx, strings.TrimSpace(r.PostFormValue("login"))); err == nil {
		uid = u
	}
	err = h.Skills.AddJudge(ctx, auth.ActorFrom(ctx), id, uid)
	return h.backToCompetition(w, r, id, "skills.judge_added", err)
}

func (h *Handler) enter(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var members []int64
	for _, n := range strings.FieldsFunc(r.PostFormValue("id_numbers"), func(c rune) bool { return c == '\n' || c == '\r' || c == ',' || c == '，' }) {
		if p := h.personByNumber(r, n); p != 0 {
			members = append(members, p)
		} else if strings.TrimSpace(n) != "" {
			members = append(members, -1) // refused as unknown below
		}
	}
	_, err = h.Skills.Enter(ctx, auth.ActorFrom(ctx), id, r.PostFormValue("team"), members)
	return h.backToCompetition(w, r, id, "skills.entered", err)
}

func (h *Handler) closeCompetition(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	_, err = h.Skills.CloseCompetition(ctx, auth.ActorFrom(ctx), id)
	return h.backToCompetition(w, r, id, "skills.competition_closed", err)
}

func (h *Handler) score(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	cid, err := h.Skills.competitionOf(ctx, id)
	if err != nil {
		return err
	}
	n, perr := strconv.Atoi(strings.TrimSpace(r.PostFormValue("score")))
	if perr != nil {
		n = -1
	}
	err = h.Skills.Score(ctx, auth.ActorFrom(ctx), id, n)
	return h.backToCompetition(w, r, cid, "skills.scored", err)
}

func (h *Handler) apiCompetitions(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	list, err := h.Skills.Competitions(ctx, auth.ActorFrom(ctx))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, list)
}

func (h *Handler) apiCreateCompetition(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in CompetitionInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.Skills.CreateCompetition(ctx, auth.ActorFrom(ctx), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, c)
}

// competitionBody is a competition with its entries.
type competitionBody struct {
	*Competition
	EntryList []CompetitionEntry `json:"entry_list"`
}

func (h *Handler) apiCompetition(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return web.WithID(w, r, http.StatusOK, func(id int64) (competitionBody, error) {
		c, list, err := h.Skills.Entries(ctx, auth.ActorFrom(ctx), id)
		return competitionBody{Competition: c, EntryList: list}, err
	})
}

func (h *Handler) apiAddJudge(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in struct {
		UserID int64 `json:"user_id"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusCreated, func(id int64) (map[string]int64, error) {
		return map[string]int64{"user_id": in.UserID}, h.Skills.AddJudge(ctx, auth.ActorFrom(ctx), id, in.UserID)
	})
}

func (h *Handler) apiEnter(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in struct {
		Team    string  `json:"team"`
		Members []int64 `json:"members"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusCreated, func(id int64) (*CompetitionEntry, error) {
		return h.Skills.Enter(ctx, auth.ActorFrom(ctx), id, in.Team, in.Members)
	})
}

func (h *Handler) apiClose(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return web.WithID(w, r, http.StatusOK, func(id int64) ([]CompetitionEntry, error) {
		return h.Skills.CloseCompetition(ctx, auth.ActorFrom(ctx), id)
	})
}

func (h *Handler) apiScore(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in struct {
		Score int `json:"score"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusOK, func(id int64) (map[string]int, error) {
		return map[string]int{"score": in.Score}, h.Skills.Score(ctx, auth.ActorFrom(ctx), id, in.Score)
	})
}
