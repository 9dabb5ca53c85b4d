package account

import (
	"context"
	"net/http"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/cadre"
	"qinggong/internal/org"
	"qinggong/internal/person"
	"qinggong/internal/web"
)

// workbench is the home page's content: what waits for the actor, the
// figures of their scope and the actions they may take.
type workbench struct {
	Transfers     []person.Transfer // pending, to organizations the actor decides for
	MoreTransfers bool
	Imports       []person.Job // the actor's own, checked and waiting to be confirmed
	Locked        []auth.User  // accounts locked now (for the security admin, who unlocks)
	Tops          []org.Org    // the tops of the actor's organization scope
	Figures       []figure
	Names         map[string]string // grant scopes by "kind:id"
}

// figure is one number of the actor's scope, with where it leads.
type figure struct {
	Key  string // catalog key of its label
	N    int64
	More bool // a bounded count reached its cap
	Href string
	Hint string // catalog key of a note on how it is counted, "" for none
}

// waitingShown is how many items of each kind the workbench lists.
const waitingShown = 5

// home is the workbench. A login without any role is a young worker's
// own: it goes to their record, where nothing of the staff's shows.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	if len(a.Grants) == 0 {
		http.Redirect(w, r, "/me", http.StatusSeeOther)
		return nil
	}
	wb, err := h.workbench(ctx, a)
	if err != nil {
		return err
	}
	web.HTML(w)
	return web.Render(ctx, w, homePage(web.NewPage(w, r, web.T(ctx, "home.title"), ""), a, wb))
}

func (h *Handler) workbench(ctx context.Context, a *auth.Actor) (*workbench, error) {
	wb := &workbench{Names: h.scopeNames(ctx, a, a.Grants)}
	var err error
	if a.HasAnywhere(auth.OrgRead) {
		if wb.Tops, err = h.Orgs.Tops(ctx, a); err != nil {
			return nil, err
		}
		var n int64
		for _, o := range wb.Tops {
			n += int64(o.Descendants) + 1 // the rollup counts those below
		}
		wb.Figures = append(wb.Figures, figure{Key: "home.fig_orgs", N: n, Href: "/orgs"})
	}
	if h.People != nil && a.HasAnywhere(auth.PersonWrite) {
		ts, err := h.People.Transfers(ctx, a, person.TransferFilter{Incoming: true, Status: person.TransferPending, Limit: waitingShown + 1})
		if err != nil {
			return nil, err
		}
		wb.MoreTransfers = len(ts) > waitingShown
		wb.Transfers = ts[:min(len(ts), waitingShown)]
		jobs, err := h.People.ImportJobs(ctx, a, 20)
		if err != nil {
			return nil, err
		}
		for _, j := range jobs {
			if j.Status == person.JobChecked && len(wb.Imports) < waitingShown {
				wb.Imports = append(wb.Imports, j)
			}
		}
	}
	if a.Can(auth.SecurityAdmin, "") {
		if wb.Locked, err = h.Users.LockedUsers(ctx, a, waitingShown); err != nil {
			return nil, err
		}
	}
	if h.People != nil && a.HasAnywhere(auth.PersonRead) {
		// Registered (active) people: the kept counts. League members: a
		// count bounded at person.CountCap, as the people list counts.
		people, err := h.People.Count(ctx, a, person.Filter{})
		if err != nil {
			return nil, err
		}
		league, err := h.People.Count(ctx, a, person.Filter{Political: person.League})
		if err != nil {
			return nil, err
		}
		wb.Figures = append(wb.Figures,
			figure{Key: "home.fig_people", N: people.N, More: people.Capped, Href: "/people"},
			figure{Key: "home.fig_league", N: league.N, More: league.Capped, Href: "/people?political=" + person.League, Hint: "home.fig_bounded"})
	}
	if h.Cadres != nil && a.HasAnywhere(auth.CadreRead) {
		// Serving cadre posts have no kept count: a count bounded at
		// cadre.CountCap over the (org_path, id) index of the scope.
		c, err := h.Cadres.Count(ctx, a, cadre.Filter{})
		if err != nil {
			return nil, err
		}
		wb.Figures = append(wb.Figures, figure{Key: "home.fig_cadres", N: c.N, More: c.Capped, Href: "/cadres", Hint: "home.fig_bounded"})
	}
	return wb, nil
}

// figureText writes n with thousands separators, and "+" past a cap.
func figureText(f figure) string {
	s := strconv.FormatInt(f.N, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if f.More {
		s += "+"
	}
	return s
}
