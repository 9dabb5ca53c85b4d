package person

import (
	"io"
	"net/http"
	"net/url"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// peopleExport sends the filtered list as .xlsx. Full identifiers need
// RevealPII and the password typed again; a failed check goes back to the
// list with the message.
func (h *Handler) peopleExport(w http.ResponseWriter, r *http.Request) error {
	err := h.export(w, r, r.PostFormValue("reveal") != "", r.PostFormValue("password"))
	if fields := web.FieldErrors(err); fields != nil {
		for _, msg := range fields {
			web.SetFlash(w, "error", msg)
			break
		}
		http.Redirect(w, r, "/people?"+r.URL.RawQuery+"#export", http.StatusSeeOther)
		return nil
	}
	return err
}

// export checks the request, builds the file and streams it.
func (h *Handler) export(w http.ResponseWriter, r *http.Request, reveal bool, password string) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	f, err := filterFrom(r.URL.Query())
	if err != nil {
		return err
	}
	if reveal {
		if !a.HasAnywhere(auth.RevealPII) {
			return errs.E(errs.Forbidden, "err.forbidden")
		}
		if password == "" {
			return (errs.Fields{"password": "err.password_required"}).Err()
		}
		if err := h.Users.Reauthenticate(ctx, a, password); err != nil {
			return err
		}
	}
	file, err := h.People.Export(ctx, a, f, reveal)
	if err != nil {
		return err
	}
	defer file.Close()
	name := "people-" + h.People.now().In(shanghai).Format("20060102-1504") + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"; filename*=UTF-8''`+url.PathEscape("青年名册-"+name[7:]))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.FormatInt(file.Size, 10))
	_, err = io.Copy(w, file)
	return err
}
