package person

import (
	"net/http"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/web"
)

// personLogin is the person page's login and consent block: the htmx
// fragment the page loads, or a page of its own without htmx.
func (h *Handler) personLogin(w http.ResponseWriter, r *http.Request) error {
	return h.renderLogin(w, r, http.StatusOK, LinkInput{}, nil)
}

func (h *Handler) renderLogin(w http.ResponseWriter, r *http.Request, status int, in LinkInput, fields map[string]string) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	p, err := h.People.Get(ctx, a, id)
	if err != nil {
		return err
	}
	history, err := h.People.Consents(ctx, a, id)
	if err != nil {
		return err
	}
	d := loginData{P: p, Statuses: ConsentStatuses(history), In: in, Errors: fields,
		CanLink: a.Can(auth.PersonWrite, p.OrgPath) && a.Can(auth.UserWrite, p.OrgPath)}
	d.Login, d.Linked = h.People.LoginOf(ctx, a, h.Users, p)
	if web.IsHTMX(r) {
		return render(w, r, status, loginBlock(d))
	}
	return render(w, r, status, loginPage(web.NewPage(w, r, p.Name, "nav.people"), d))
}

// personLink creates a login for the person (its one-time password shown
// on the answer, never again) or links an existing account.
func (h *Handler) personLink(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	in := LinkInput{Login: r.PostFormValue("login"), Existing: r.PostFormValue("existing") != ""}
	l, err := h.People.LinkLogin(ctx, auth.ActorFrom(ctx), h.Users, id, in)
	if fields := web.FieldErrors(err); fields != nil {
		return h.renderLogin(w, r, http.StatusUnprocessableEntity, in, fields)
	}
	if err != nil {
		return err
	}
	if l.Password == "" {
		return web.Redirect(w, r, personPath(id), "flash.linked")
	}
	w.Header().Set("Cache-Control", "no-store")
	return render(w, r, http.StatusOK, loginCreatedPage(web.NewPage(w, r, web.T(ctx, "link.created"), "nav.people"), id, l))
}

// personUnlink ends the link; the account stays.
func (h *Handler) personUnlink(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.People.UnlinkLogin(ctx, auth.ActorFrom(ctx), id); err != nil {
		return err
	}
	return web.Redirect(w, r, personPath(id), "flash.unlinked")
}

func personPath(id int64) string { return "/people/" + strconv.FormatInt(id, 10) }
