package person

import (
	"net/http"
	"path"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/web"
)

// transferList shows transfers waiting for the actor's decision and those
// the actor's side asked for.
func (h *Handler) transferList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	var incoming []Transfer
	var err error
	if a.HasAnywhere(auth.PersonWrite) {
		if incoming, err = h.People.Transfers(ctx, a, TransferFilter{Incoming: true, Status: r.URL.Query().Get("status")}); err != nil {
			return err
		}
	}
	outgoing, err := h.People.Transfers(ctx, a, TransferFilter{Status: r.URL.Query().Get("status")})
	if err != nil {
		return err
	}
	web.HTML(w)
	return web.Render(ctx, w, transfersPage(web.NewPage(w, r, web.T(ctx, "transfer.title"), "nav.people"), incoming, outgoing))
}

// transferRequest asks for a person's transfer from the person page; bad
// input shows the page again with the messages.
func (h *Handler) transferRequest(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	in := TransferInput{ToOrgCode: r.PostFormValue("to_org_code"), Reason: r.PostFormValue("reason"), Date: r.PostFormValue("transfer_date")}
	_, err = h.People.RequestTransfer(ctx, auth.ActorFrom(ctx), id, in)
	if fields := web.FieldErrors(err); fields != nil {
		return h.renderShow(w, r, id, in, fields)
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, string(personURL(id, ""))+"#transfers", "flash.transfer_requested")
}

func (h *Handler) transferApprove(w http.ResponseWriter, r *http.Request) error {
	return h.transferDecide(w, r, func(id int64) error {
		_, err := h.People.ApproveTransfer(r.Context(), auth.ActorFrom(r.Context()), id, r.PostFormValue("note"))
		return err
	})
}

func (h *Handler) transferReject(w http.ResponseWriter, r *http.Request) error {
	return h.transferDecide(w, r, func(id int64) error {
		_, err := h.People.RejectTransfer(r.Context(), auth.ActorFrom(r.Context()), id, r.PostFormValue("note"))
		return err
	})
}

func (h *Handler) transferCancel(w http.ResponseWriter, r *http.Request) error {
	return h.transferDecide(w, r, func(id int64) error {
		_, err := h.People.CancelTransfer(r.Context(), auth.ActorFrom(r.Context()), id)
		return err
	})
}

func (h *Handler) transferDecide(w http.ResponseWriter, r *http.Request, decide func(int64) error) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := decide(id); err != nil {
		return err
	}
	return web.Redirect(w, r, "/transfers", "flash.saved")
}

// apiTransfers lists ?direction=incoming|outgoing (default outgoing).
func (h *Handler) apiTransfers(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	ts, err := h.People.Transfers(ctx, auth.ActorFrom(ctx), TransferFilter{Incoming: q.Get("direction") == "incoming",
		Status: q.Get("status"), Before: max(before, 0)})
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": ts})
}

func (h *Handler) apiPersonTransfers(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	ts, err := h.People.Transfers(ctx, auth.ActorFrom(ctx), TransferFilter{Person: id})
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": ts})
}

func (h *Handler) apiTransferGet(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	t, err := h.People.GetTransfer(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, t)
}

func (h *Handler) apiTransferRequest(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in TransferInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := h.People.RequestTransfer(ctx, auth.ActorFrom(ctx), id, in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, t)
}

// decisionBody carries the optional note of an approval or rejection.
type decisionBody struct {
	Note string `json:"note"`
}

func (h *Handler) apiTransferStep(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var b decisionBody
	if r.ContentLength != 0 {
		if err := web.DecodeJSON(w, r, &b); err != nil {
			return err
		}
	}
	a := auth.ActorFrom(ctx)
	var t *Transfer
	switch path.Base(r.URL.Path) {
	case "approve":
		t, err = h.People.ApproveTransfer(ctx, a, id, b.Note)
	case "reject":
		t, err = h.People.RejectTransfer(ctx, a, id, b.Note)
	default:
		t, err = h.People.CancelTransfer(ctx, a, id)
	}
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, t)
}
