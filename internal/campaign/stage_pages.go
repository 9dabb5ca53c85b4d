package campaign

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// The organizer's forms between the stages: publishing the notice from
// the last round's results, and naming the winners once it has ended.

// noticeForm is what the publish form shows.
type noticeForm struct {
	C       *Campaign
	In      NoticeInput
	Chosen  map[int64]bool
	Names   map[int64]string // every submitted nomination's nominee
	Order   []int64          // nominations in the order offered: the last round's ranking, then the rest
	Passed  map[int64]bool   // passed the last closed round
	Errors  map[string]string
	Replace bool // a notice exists and has not started
}

func (h *Handler) noticeNew(w http.ResponseWriter, r *http.Request) error {
	return h.renderNoticeForm(w, r, nil, nil)
}

func (h *Handler) renderNoticeForm(w http.ResponseWriter, r *http.Request, in *NoticeInput, errors map[string]string) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Campaigns.managed(ctx, h.Campaigns.db.R(), a, id)
	if err != nil {
		return err
	}
	d := noticeForm{C: c, Errors: errors, Chosen: map[int64]bool{}, Passed: map[int64]bool{}}
	if d.Names, err = h.Campaigns.nomineeNamesByStatus(ctx, id, NomSubmitted); err != nil {
		return err
	}
	ranked, err := h.Campaigns.lastRanking(ctx, a, id)
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, x := range ranked {
		d.Order, seen[x.NominationID] = append(d.Order, x.NominationID), true
		d.Passed[x.NominationID] = x.Passed
	}
	for nid := range d.Names {
		if !seen[nid] {
			d.Order = append(d.Order, nid)
		}
	}
	if in != nil {
		d.In = *in
		for _, it := range in.Items {
			d.Chosen[it.NominationID] = true
		}
	} else {
		today := time.Now().In(shanghai)
		d.In = NoticeInput{Starts: today.Format(time.DateOnly), Ends: today.AddDate(0, 0, 6).Format(time.DateOnly)}
		if old, err := h.Campaigns.Notice(ctx, a, id); err == nil {
			d.In, d.Replace = NoticeInput{Starts: old.Starts, Ends: old.Ends, Contact: old.Contact, Items: old.Items}, true
			for _, it := range old.Items {
				d.Chosen[it.NominationID] = true
			}
		} else {
			d.Chosen = d.Passed
		}
	}
	if errors != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return web.Render(ctx, w, noticeFormPage(web.NewPage(w, r, c.Title, "nav.campaigns"), d))
}

func (h *Handler) noticePublish(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	in := NoticeInput{Starts: strings.TrimSpace(r.PostFormValue("starts")), Ends: strings.TrimSpace(r.PostFormValue("ends")),
		Contact: r.PostFormValue("contact")}
	for _, v := range r.PostForm["item"] {
		if nid, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.Items = append(in.Items, NoticeItem{NominationID: nid})
		}
	}
	if _, err := h.Campaigns.Publicize(ctx, a, id, in); err != nil {
		if fields := web.FieldErrors(err); fields != nil {
			return h.renderNoticeForm(w, r, &in, fields)
		}
		if e, ok := errs.As(err); ok && e.Kind == errs.Conflict {
			return h.renderNoticeForm(w, r, &in, map[string]string{"form": e.Msg})
		}
		return err
	}
	return web.Redirect(w, r, campaignPath(id, ""), "campaign.notice_published")
}

// winnersForm is what the naming form shows.
type winnersForm struct {
	C       *Campaign
	Items   []PublicItem
	Upheld  map[int64]bool
	Chosen  map[int64]string // nomination → tier chosen
	Errors  map[string]string
	Balance []SectorBalance // of the winners chosen, against the campaign's targets
}

func (h *Handler) winnersNew(w http.ResponseWriter, r *http.Request) error {
	return h.renderWinners(w, r, nil, nil)
}

func (h *Handler) renderWinners(w http.ResponseWriter, r *http.Request, chosen map[int64]string, errors map[string]string) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Campaigns.managed(ctx, h.Campaigns.db.R(), a, id)
	if err != nil {
		return err
	}
	// Before the notice there is no one to name: the page says so.
	pv, err := h.Campaigns.PublicNotice(ctx, id)
	if errs.KindOf(err) == errs.NotFound {
		pv = &PublicView{}
		if errors == nil {
			errors = map[string]string{}
		}
		if _, ok := errors["form"]; !ok {
			errors["form"] = "err.notice_missing"
		}
	} else if err != nil {
		return err
	}
	obs, err := h.Campaigns.Objections(ctx, a, id)
	if err != nil {
		return err
	}
	d := winnersForm{C: c, Items: pv.Items, Upheld: map[int64]bool{}, Chosen: chosen, Errors: errors}
	for _, o := range obs {
		if o.Status == ObjUpheld {
			d.Upheld[o.NominationID] = true
		}
	}
	if d.Chosen == nil {
		d.Chosen = map[int64]string{}
		for i, it := range pv.Items {
			if !d.Upheld[it.NominationID] && i < c.Winners {
				d.Chosen[it.NominationID] = firstTier(c.Tiers)
			}
		}
	}
	ids := make([]int64, 0, len(d.Chosen))
	for nid := range d.Chosen {
		ids = append(ids, nid)
	}
	if d.Balance, err = h.Campaigns.Balance(ctx, c, ids); err != nil {
		return err
	}
	if errors != nil && r.Method == http.MethodPost {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return web.Render(ctx, w, winnersFormPage(web.NewPage(w, r, c.Title, "nav.campaigns"), d))
}

func firstTier(tiers []string) string {
	if len(tiers) == 0 {
		return ""
	}
	return tiers[0]
}

func (h *Handler) winnersName(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	chosen := map[int64]string{}
	var winners []Winner
	for _, v := range r.PostForm["winner"] {
		nid, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			continue
		}
		tier := r.PostFormValue("tier." + v)
		chosen[nid] = tier
		winners = append(winners, Winner{NominationID: nid, Tier: tier})
	}
	if _, err := h.Campaigns.Name(ctx, a, id, winners); err != nil {
		if fields := web.FieldErrors(err); fields != nil {
			return h.renderWinners(w, r, chosen, fields)
		}
		if e, ok := errs.As(err); ok && e.Kind == errs.Conflict {
			return h.renderWinners(w, r, chosen, map[string]string{"form": e.Msg})
		}
		return err
	}
	return web.Redirect(w, r, campaignPath(id, "/certificates"), "campaign.named")
}

// lastRanking is the ranking of the campaign's last closed round (none
// when no round has closed), whole: a notice lists tens, the form shows
// every ranked nomination to choose from.
func (s *Service) lastRanking(ctx context.Context, by *auth.Actor, campaignID int64) ([]RoundResult, error) {
	rounds, err := s.Rounds(ctx, by, campaignID)
	if err != nil {
		return nil, err
	}
	for i := len(rounds) - 1; i >= 0; i-- {
		if rounds[i].Status == RoundClosed {
			return s.Results(ctx, by, rounds[i].ID)
		}
	}
	return nil, nil
}

// nomineeNamesByStatus are a campaign's nominees in one status by
// nomination ID.
func (s *Service) nomineeNamesByStatus(ctx context.Context, campaignID int64, status string) (map[int64]string, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT id, nominee_name FROM nominations WHERE campaign_id = $1 AND status = $2`,
		campaignID, status)
	return namesOf(rows, err)
}
