package campaign

// The certificates' pages: the organizer's list, the printable certificate
// with its QR code, and revocation.

import (
	"encoding/base64"
	"net/http"

	"github.com/skip2/go-qrcode"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

func (h *Handler) certificateList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	list, err := h.Campaigns.Certificates(ctx, a, id)
	if err != nil {
		return err
	}
	c, err := h.Campaigns.Get(ctx, a, id)
	if err != nil {
		return err
	}
	web.HTML(w)
	return web.Render(ctx, w, certificatesPage(web.NewPage(w, r, web.T(ctx, "cert.list")+" · "+c.Title, "nav.campaigns"), c, list))
}

func (h *Handler) certificateShow(w http.ResponseWriter, r *http.Request) error {
	return h.renderCertificate(w, r, "", nil)
}

func (h *Handler) renderCertificate(w http.ResponseWriter, r *http.Request, reason string, fields map[string]string) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	x, err := h.Campaigns.Certificate(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	d := certData{X: x, VerifyURL: verifyURL(r, x.Code), Back: "/campaigns/" + noticeID(x.CampaignID) + "/certificates",
		Reason: reason, Errors: fields}
	png, err := qrcode.Encode(d.VerifyURL, qrcode.Medium, 360)
	if err != nil {
		return err
	}
	d.QR = "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
	web.HTML(w)
	if fields != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return web.Render(ctx, w, certPage(d))
}

func verifyURL(r *http.Request, code string) string { return web.BaseURL(r) + "/verify/" + code }

func (h *Handler) certificateRevoke(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	reason := r.PostFormValue("reason")
	_, err = h.Campaigns.Revoke(ctx, auth.ActorFrom(ctx), id, reason)
	if fields := web.FieldErrors(err); fields != nil {
		return h.renderCertificate(w, r, reason, fields)
	}
	if e, ok := errs.As(err); ok && e.Kind == errs.Conflict {
		web.SetFlash(w, "error", e.Msg)
		return web.Redirect(w, r, string(certPath(id, "")), "")
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, string(certPath(id, "")), "flash.certificate_revoked")
}
