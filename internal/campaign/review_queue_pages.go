package campaign

// The reviewers' side of the review: their rounds, their queue, scoring,
// declaring a conflict of interest and casting ballots.

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

func (h *Handler) myReviews(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	list, err := h.Campaigns.MyReviews(ctx, auth.ActorFrom(ctx))
	if err != nil {
		return err
	}
	return web.Render(ctx, w, myReviewsPage(web.NewPage(w, r, web.T(ctx, "review.mine"), "nav.reviews"), list))
}

func (h *Handler) queuePage(w http.ResponseWriter, r *http.Request) error {
	return h.renderQueue(w, r, 0, nil)
}

func (h *Handler) renderQueue(w http.ResponseWriter, r *http.Request, failed int64, errors map[string]string) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	q, err := h.Campaigns.Queue(ctx, a, id)
	if err != nil {
		return err
	}
	c, err := byID(ctx, h.Campaigns.db.R(), q.Round.CampaignID)
	if err != nil {
		return err
	}
	var voted map[int64]bool
	if q.Round.Ballot {
		if voted, err = h.Campaigns.Voted(ctx, a, id); err != nil {
			return err
		}
	}
	if errors != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	d := queueData{C: c, Q: q, Failed: failed, Errors: errors, Voted: voted, Form: r.PostForm}
	return web.Render(ctx, w, queuePage(web.NewPage(w, r, q.Round.Name, "nav.reviews"), d))
}

type queueData struct {
	C      *Campaign
	Q      *ReviewQueue
	Failed int64 // the assignment whose form came back with errors
	Errors map[string]string
	Voted  map[int64]bool // nominations the reviewer has cast a ballot on
	Form   url.Values     // what was typed into the failed form
}

func (h *Handler) assignmentRound(r *http.Request, id int64) (int64, error) {
	ctx := r.Context()
	as, _, _, err := h.Campaigns.mine(ctx, h.Campaigns.db.R(), auth.ActorFrom(ctx), id)
	if err != nil {
		return 0, err
	}
	return as.RoundID, nil
}

func (h *Handler) scoreSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	round, err := h.assignmentRound(r, id)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	scores := map[int64]int{}
	bad := map[string]string{}
	for k, v := range r.PostForm {
		crit, ok := strings.CutPrefix(k, "s.")
		if !ok {
			continue
		}
		cid, err1 := strconv.ParseInt(crit, 10, 64)
		n, err2 := strconv.Atoi(strings.TrimSpace(v[0]))
		if err1 != nil {
			continue
		}
		if err2 != nil {
			bad["scores."+crit] = "err.score_number"
			continue
		}
		scores[cid] = n
	}
	r.SetPathValue("id", id64(round))
	if len(bad) > 0 {
		return h.renderQueue(w, r, id, bad)
	}
	if _, err := h.Campaigns.Submit(ctx, auth.ActorFrom(ctx), id, scores, r.PostFormValue("comment")); err != nil {
		if fields := web.FieldErrors(err); fields != nil {
			return h.renderQueue(w, r, id, fields)
		}
		if e, ok := errs.As(err); ok && e.Kind == errs.Conflict {
			return h.renderQueue(w, r, id, map[string]string{"form": e.Msg})
		}
		return err
	}
	return web.Redirect(w, r, "/reviews/"+id64(round)+"#a"+id64(id), "review.scored")
}

func (h *Handler) conflictDeclare(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	round, err := h.assignmentRound(r, id)
	if err != nil {
		return err
	}
	if _, err := h.Campaigns.DeclareConflict(ctx, auth.ActorFrom(ctx), id, r.PostFormValue("reason")); err != nil {
		r.SetPathValue("id", id64(round))
		if fields := web.FieldErrors(err); fields != nil {
			return h.renderQueue(w, r, id, fields)
		}
		if e, ok := errs.As(err); ok && e.Kind == errs.Conflict {
			return h.renderQueue(w, r, id, map[string]string{"form": e.Msg})
		}
		return err
	}
	return web.Redirect(w, r, "/reviews/"+id64(round), "review.conflict_declared")
}

func (h *Handler) ballotCast(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	nom, _ := strconv.ParseInt(r.PostFormValue("nomination_id"), 10, 64)
	if err := h.Campaigns.Vote(ctx, auth.ActorFrom(ctx), id, nom, r.PostFormValue("vote") == "yes"); err != nil {
		if e, ok := errs.As(err); ok && (e.Kind == errs.Conflict || e.Kind == errs.Invalid) {
			web.SetFlash(w, "error", e.Msg)
			return web.Redirect(w, r, "/reviews/"+id64(id), "")
		}
		return err
	}
	return web.Redirect(w, r, "/reviews/"+id64(id), "review.voted")
}
