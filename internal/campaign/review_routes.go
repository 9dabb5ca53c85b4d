package campaign

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// reviewRoutes registers the review pages and API: the organizer's panel
// and rounds (campaign.manage, checked on the campaign), and the
// reviewers' queues, scores and ballots (any login; the service finds
// nothing for whoever is not on the campaign's panel).
func reviewRoutes(r *web.Router, h *Handler) {
	r.Get("/campaigns/{id}/review", auth.CampaignManage, h.reviewPage)
	r.Post("/campaigns/{id}/reviewers", auth.CampaignManage, h.reviewerAdd)
	r.Post("/campaigns/{id}/reviewers/{user}/remove", auth.CampaignManage, h.reviewerRemove)
	r.Post("/campaigns/{id}/rounds", auth.CampaignManage, h.roundOpen)
	r.Post("/rounds/{id}/auto-assign", auth.CampaignManage, h.roundAutoAssign)
	r.Post("/rounds/{id}/close", auth.CampaignManage, h.roundClose)
	r.Post("/rounds/{id}/reopen", auth.CampaignManage, h.roundReopen)
	r.Get("/rounds/{id}/results", auth.CampaignManage, h.roundResults)
	r.Get("/rounds/{id}/scores.xlsx", auth.CampaignManage, h.roundScoresExport)

	r.Get("/reviews", auth.Authenticated, h.myReviews)
	r.Get("/reviews/{id}", auth.Authenticated, h.queuePage)
	r.Post("/assignments/{id}/score", auth.Authenticated, h.scoreSubmit)
	r.Post("/assignments/{id}/conflict", auth.Authenticated, h.conflictDeclare)
	r.Post("/reviews/{id}/ballots", auth.Authenticated, h.ballotCast)

	r.Get("/api/v1/campaigns/{id}/reviewers", auth.CampaignManage, h.apiReviewers)
	r.Post("/api/v1/campaigns/{id}/reviewers", auth.CampaignManage, h.apiReviewerAdd)
	r.Delete("/api/v1/campaigns/{id}/reviewers/{user}", auth.CampaignManage, h.apiReviewerRemove)
	r.Get("/api/v1/campaigns/{id}/rounds", auth.CampaignManage, h.apiRounds)
	r.Post("/api/v1/campaigns/{id}/rounds", auth.CampaignManage, h.apiRoundOpen)
	r.Get("/api/v1/rounds/{id}", auth.CampaignManage, h.apiRound)
	r.Post("/api/v1/rounds/{id}/assignments", auth.CampaignManage, h.apiAssign)
	r.Post("/api/v1/rounds/{id}/auto-assign", auth.CampaignManage, h.apiAutoAssign)
	r.Post("/api/v1/rounds/{id}/close", auth.CampaignManage, h.apiRoundClose)
	r.Post("/api/v1/rounds/{id}/reopen", auth.CampaignManage, h.apiRoundReopen)
	r.Get("/api/v1/rounds/{id}/results", auth.CampaignManage, h.apiResults)
	r.Get("/api/v1/rounds/{id}/scores", auth.Authenticated, h.apiScores)

	r.Get("/api/v1/reviews", auth.Authenticated, h.apiMyReviews)
	r.Get("/api/v1/reviews/{id}", auth.Authenticated, h.apiQueue)
	r.Post("/api/v1/assignments/{id}/score", auth.Authenticated, h.apiScore)
	r.Post("/api/v1/assignments/{id}/conflict", auth.Authenticated, h.apiConflict)
	r.Post("/api/v1/reviews/{id}/ballots", auth.Authenticated, h.apiBallot)
}

// reviewData is what the organizer's review page shows.
type reviewData struct {
	C         *Campaign
	Reviewers []Reviewer
	Rounds    []Round
	Open      *Round // the open round, if any
	Errors    map[string]string
	Login     string
	Result    *AutoAssignResult
}

func (h *Handler) reviewPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderReview(w, r, reviewData{})
}

func (h *Handler) renderReview(w http.ResponseWriter, r *http.Request, d reviewData) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if d.C, err = h.Campaigns.managed(ctx, h.Campaigns.db.R(), a, id); err != nil {
		return err
	}
	if d.Reviewers, err = h.Campaigns.Reviewers(ctx, a, id); err != nil {
		return err
	}
	if d.Rounds, err = h.Campaigns.Rounds(ctx, a, id); err != nil {
		return err
	}
	for i := range d.Rounds {
		if d.Rounds[i].Status == RoundOpen {
			d.Open = &d.Rounds[i]
		}
	}
	if d.Errors != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return web.Render(ctx, w, reviewPage(web.NewPage(w, r, d.C.Title, "nav.campaigns"), d))
}

// failed re-renders the review page with a service error as field
// messages (field errors) or a message on field (conflicts); other errors
// are returned as they are.
func (h *Handler) failed(w http.ResponseWriter, r *http.Request, d reviewData, field string, err error) error {
	if fields := web.FieldErrors(err); fields != nil {
		d.Errors = fields
		return h.renderReview(w, r, d)
	}
	if e, ok := errs.As(err); ok && e.Kind == errs.Conflict {
		d.Errors = map[string]string{field: e.Msg}
		return h.renderReview(w, r, d)
	}
	return err
}

func (h *Handler) reviewerAdd(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	login := strings.TrimSpace(r.PostFormValue("login"))
	d := reviewData{Login: login}
	if _, err := h.Campaigns.managed(ctx, h.Campaigns.db.R(), a, id); err != nil {
		return err
	}
	u, err := h.Users.FindUserByLogin(ctx, login)
	if err != nil {
		d.Errors = map[string]string{"login": "err.reviewer_unknown"}
		return h.renderReview(w, r, d)
	}
	// An empty load is the usual one; a typed one must be a number.
	load := defaultLoad
	if v := strings.TrimSpace(r.PostFormValue("load")); v != "" {
		if load, err = strconv.Atoi(v); err != nil {
			d.Errors = map[string]string{"load": "err.invalid"}
			return h.renderReview(w, r, d)
		}
	}
	if _, err := h.Campaigns.AddReviewer(ctx, a, id, u.ID, load); err != nil {
		return h.failed(w, r, d, "login", err)
	}
	return web.Redirect(w, r, campaignPath(id, "/review"), "review.reviewer_added")
}

func (h *Handler) reviewerRemove(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	user, err := web.PathID(r, "user")
	if err != nil {
		return err
	}
	if err := h.Campaigns.RemoveReviewer(ctx, auth.ActorFrom(ctx), id, user); err != nil {
		return h.failed(w, r, reviewData{}, "reviewers", err)
	}
	return web.Redirect(w, r, campaignPath(id, "/review"), "review.reviewer_removed")
}

// roundForm reads the open-round form: up to maxCriteria rubric lines.
func roundForm(r *http.Request) (RoundInput, errs.Fields) {
	var fe errs.Fields
	num := func(name string) int {
		v := strings.TrimSpace(r.PostFormValue(name))
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			fe.Add(name, "err.invalid")
		}
		return n
	}
	in := RoundInput{Name: r.PostFormValue("name"), Method: r.PostFormValue("method"), Blind: r.PostFormValue("blind") == "on",
		Shortlist: num("shortlist"), Ballot: r.PostFormValue("ballot") == "on", PassVotes: num("pass_votes")}
	for i := range maxCriteria {
		k := strconv.Itoa(i)
		name := strings.TrimSpace(r.PostFormValue("c" + k + ".name"))
		if name == "" {
			continue
		}
		in.Criteria = append(in.Criteria, Criterion{Name: name, Weight: num("c" + k + ".weight"), Min: num("c" + k + ".min"),
			Max: num("c" + k + ".max")})
	}
	return in, fe
}

// defaultLoad is the load limit of a reviewer added without one: more
// than a panel member reads in a round in practice.
const defaultLoad = 50

// maxCriteria is how many rubric lines the round form offers.
const maxCriteria = 6

func (h *Handler) roundOpen(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	in, fe := roundForm(r)
	if err := fe.Err(); err != nil {
		return h.failed(w, r, reviewData{}, "round", err)
	}
	if _, err := h.Campaigns.OpenRound(ctx, auth.ActorFrom(ctx), id, in); err != nil {
		return h.failed(w, r, reviewData{}, "round", err)
	}
	return web.Redirect(w, r, campaignPath(id, "/review"), "review.round_opened")
}

// roundAction runs an organizer's action on a round and returns to the
// campaign's review page.
func (h *Handler) roundAction(w http.ResponseWriter, r *http.Request, flash string, act func(a *auth.Actor, id int64) error) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	rd, err := h.Campaigns.Round(ctx, a, id)
	if err != nil {
		return err
	}
	if err := act(a, id); err != nil {
		if e, ok := errs.As(err); ok && (e.Kind == errs.Conflict || e.Kind == errs.Invalid) {
			web.SetFlash(w, "error", e.Msg)
			return web.Redirect(w, r, campaignPath(rd.CampaignID, "/review"), "")
		}
		return err
	}
	return web.Redirect(w, r, campaignPath(rd.CampaignID, "/review"), flash)
}

func (h *Handler) roundAutoAssign(w http.ResponseWriter, r *http.Request) error {
	per, _ := strconv.Atoi(r.PostFormValue("per"))
	return h.roundAction(w, r, "review.assigned", func(a *auth.Actor, id int64) error {
		_, err := h.Campaigns.AutoAssign(r.Context(), a, id, per)
		return err
	})
}

func (h *Handler) roundClose(w http.ResponseWriter, r *http.Request) error {
	return h.roundAction(w, r, "review.round_closed", func(a *auth.Actor, id int64) error {
		_, err := h.Campaigns.CloseRound(r.Context(), a, id)
		return err
	})
}

func (h *Handler) roundReopen(w http.ResponseWriter, r *http.Request) error {
	return h.roundAction(w, r, "review.round_reopened", func(a *auth.Actor, id int64) error {
		_, err := h.Campaigns.ReopenRound(r.Context(), a, id)
		return err
	})
}

// rankCursor reads a ranking page's cursor (?rank=&after=).
func rankCursor(q url.Values) RankCursor {
	var c RankCursor
	c.Rank, _ = strconv.Atoi(q.Get("rank"))
	c.NominationID, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	return c
}

func (h *Handler) roundResults(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	// A ranking changes only with a campaign write (closing or reopening
	// the round among them), so its pages are kept per account (page_cache.go).
	return h.actorCached(w, r, func(buf *bytes.Buffer) error {
		// One authorization read for the round and its campaign; the balance
		// only when the campaign asks for one.
		rd, c, p, err := h.Campaigns.RankingView(ctx, a, id, rankCursor(r.URL.Query()), 100)
		if err != nil {
			return err
		}
		var bal []SectorBalance
		if len(c.Sectors) > 0 {
			passed, err := h.Campaigns.passedIn(ctx, id)
			if err != nil {
				return err
			}
			if bal, err = h.Campaigns.Balance(ctx, c, passed); err != nil {
				return err
			}
		}
		next := ""
		if p.Next != nil {
			next = "/rounds/" + id64(id) + "/results?rank=" + itoa(p.Next.Rank) + "&after=" + id64(p.Next.NominationID)
		}
		return resultsPage(web.NewPage(w, r, rd.Name, "nav.campaigns"), c, rd, p, next, bal).Render(ctx, buf)
	})
}

// renderQueue shows a reviewer's queue; errors belong to one assignment.
// queueData is what a reviewer's queue page shows.
// assignmentRound finds the round of one of the actor's assignments, for
// the way back to its queue.
