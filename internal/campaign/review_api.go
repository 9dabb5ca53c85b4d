package campaign

import (
	"fmt"
	"net/http"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/sheet"
	"qinggong/internal/web"
)

// roundScoresExport writes a round's score sheet: one row per submitted
// review with each criterion's score, to the organizer.
func (h *Handler) roundScoresExport(w http.ResponseWriter, r *http.Request) error {
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
	reviews, err := h.Campaigns.RoundScores(ctx, a, id)
	if err != nil {
		return err
	}
	names, err := h.Campaigns.reviewerNames(ctx, rd.CampaignID)
	if err != nil {
		return err
	}
	nominees, err := h.Campaigns.nomineeNames(ctx, rd.CampaignID)
	if err != nil {
		return err
	}
	t := func(k string) string { return web.T(ctx, k) }
	header := []string{t("review.col.nomination"), t("campaign.col.nominee"), t("review.col.reviewer")}
	widths := []float64{10, 16, 14}
	for _, c := range rd.Criteria {
		header = append(header, fmt.Sprintf("%s（%d%%）", c.Name, c.Weight))
		widths = append(widths, 12)
	}
	header = append(header, t("review.col.total"), t("review.col.comment"), t("review.col.submitted"))
	widths = append(widths, 10, 40, 12)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="scores-round-%d.xlsx"`, id))
	sw, err := sheet.NewWriter(w, t("review.sheet"), header, widths)
	if err != nil {
		return err
	}
	for _, rv := range reviews {
		cells := []any{rv.NominationID, nominees[rv.NominationID], names[rv.ReviewerID]}
		for _, c := range rd.Criteria {
			cells = append(cells, rv.Scores[c.ID])
		}
		cells = append(cells, rv.Total, rv.Comment, rv.SubmittedAt)
		if err := sw.Row(cells...); err != nil {
			return err
		}
	}
	return sw.Close()
}

func (h *Handler) apiReviewers(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	list, err := h.Campaigns.Reviewers(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": nonNil(list)})
}

// nonNil is an empty list for nil, so JSON says [] and not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (h *Handler) apiReviewerAdd(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Campaigns.managed(ctx, h.Campaigns.db.R(), a, id); err != nil {
		return err
	}
	var in struct {
		UserID    int64  `json:"user_id"`
		Login     string `json:"login"`
		LoadLimit int    `json:"load_limit"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.UserID == 0 && in.Login != "" {
		u, err := h.Users.FindUserByLogin(ctx, in.Login)
		if err != nil {
			return (errs.Fields{"login": "err.reviewer_unknown"}).Err()
		}
		in.UserID = u.ID
	}
	rv, err := h.Campaigns.AddReviewer(ctx, a, id, in.UserID, in.LoadLimit)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, rv)
}

func (h *Handler) apiReviewerRemove(w http.ResponseWriter, r *http.Request) error {
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
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) apiRounds(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	list, err := h.Campaigns.Rounds(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": nonNil(list)})
}

func (h *Handler) apiRoundOpen(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Campaigns.managed(ctx, h.Campaigns.db.R(), a, id); err != nil {
		return err
	}
	var in RoundInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	rd, err := h.Campaigns.OpenRound(ctx, a, id, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/rounds/"+id64(rd.ID))
	return web.JSON(w, http.StatusCreated, rd)
}

// roundThen checks the caller organizes the round's campaign, then runs fn.
func (h *Handler) roundThen(w http.ResponseWriter, r *http.Request, fn func(a *auth.Actor, id int64) (any, error)) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Campaigns.Round(ctx, a, id); err != nil {
		return err
	}
	v, err := fn(a, id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, v)
}

func (h *Handler) apiRound(w http.ResponseWriter, r *http.Request) error {
	return h.roundThen(w, r, func(a *auth.Actor, id int64) (any, error) {
		as, err := h.Campaigns.Assignments(r.Context(), a, id)
		if err != nil {
			return nil, err
		}
		rd, err := h.Campaigns.Round(r.Context(), a, id)
		return map[string]any{"round": rd, "assignments": nonNil(as)}, err
	})
}

func (h *Handler) apiAssign(w http.ResponseWriter, r *http.Request) error {
	return h.roundThen(w, r, func(a *auth.Actor, id int64) (any, error) {
		var in struct {
			NominationID int64 `json:"nomination_id"`
			ReviewerID   int64 `json:"reviewer_id"`
		}
		if err := web.DecodeJSON(w, r, &in); err != nil {
			return nil, err
		}
		return h.Campaigns.Assign(r.Context(), a, id, in.NominationID, in.ReviewerID)
	})
}

func (h *Handler) apiAutoAssign(w http.ResponseWriter, r *http.Request) error {
	return h.roundThen(w, r, func(a *auth.Actor, id int64) (any, error) {
		var in struct {
			PerNomination int `json:"per_nomination"`
		}
		if err := web.DecodeJSON(w, r, &in); err != nil {
			return nil, err
		}
		return h.Campaigns.AutoAssign(r.Context(), a, id, in.PerNomination)
	})
}

func (h *Handler) apiRoundClose(w http.ResponseWriter, r *http.Request) error {
	return h.roundThen(w, r, func(a *auth.Actor, id int64) (any, error) { return h.Campaigns.CloseRound(r.Context(), a, id) })
}

func (h *Handler) apiRoundReopen(w http.ResponseWriter, r *http.Request) error {
	return h.roundThen(w, r, func(a *auth.Actor, id int64) (any, error) { return h.Campaigns.ReopenRound(r.Context(), a, id) })
}

func (h *Handler) apiResults(w http.ResponseWriter, r *http.Request) error {
	return h.roundThen(w, r, func(a *auth.Actor, id int64) (any, error) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		return h.Campaigns.Ranking(r.Context(), a, id, rankCursor(r.URL.Query()), limit)
	})
}

// apiScores answers the organizer with every review of a round, and a
// reviewer with their own until the round closes (then everyone's,
// without names).
func (h *Handler) apiScores(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	list, err := h.Campaigns.RoundScores(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": nonNil(list)})
}

func (h *Handler) apiMyReviews(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	list, err := h.Campaigns.MyReviews(ctx, auth.ActorFrom(ctx))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": list})
}

func (h *Handler) apiQueue(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	q, err := h.Campaigns.Queue(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, q)
}

func (h *Handler) apiScore(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, _, _, err := h.Campaigns.mine(ctx, h.Campaigns.db.R(), a, id); err != nil {
		return err
	}
	var in struct {
		Scores  map[string]int `json:"scores"` // criterion ID → score
		Comment string         `json:"comment"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	scores := make(map[int64]int, len(in.Scores))
	for k, v := range in.Scores {
		cid, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			return (errs.Fields{"scores." + k: "err.invalid"}).Err()
		}
		scores[cid] = v
	}
	rv, err := h.Campaigns.Submit(ctx, a, id, scores, in.Comment)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, rv)
}

func (h *Handler) apiConflict(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, _, _, err := h.Campaigns.mine(ctx, h.Campaigns.db.R(), a, id); err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	as, err := h.Campaigns.DeclareConflict(ctx, a, id, in.Reason)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, as)
}

func (h *Handler) apiBallot(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Campaigns.Queue(ctx, a, id); err != nil {
		return err
	}
	var in struct {
		NominationID int64 `json:"nomination_id"`
		Yes          bool  `json:"yes"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.Campaigns.Vote(ctx, a, id, in.NominationID, in.Yes); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
