package campaign

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/skip2/go-qrcode"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// noticeRoutes registers the public notice (公示), objections, naming,
// certificates and their verification. The notice, the announcement and
// verification are public, and so is raising an objection; the rest is
// the organizer's (campaign.manage, checked again on the campaign).
func noticeRoutes(r *web.Router, h *Handler) {
	r.Get(noticeStyleURL, auth.Public, serveNoticeStyle)
	r.Get("/notice/{id}", auth.Public, h.noticeShow)
	r.Post("/notice/{id}/objections", auth.Public, h.objectionCreate)
	r.Get("/announce/{id}", auth.Public, h.announceShow)
	r.Get("/verify/{code}", auth.Public, h.verifyShow)
	r.Get("/campaigns/{id}/objections", auth.CampaignManage, h.objectionList)
	r.Post("/campaigns/{id}/objections/{oid}/decide", auth.CampaignManage, h.objectionDecide)
	r.Get("/campaigns/{id}/objections/{oid}/file", auth.CampaignManage, h.objectionFile)
	r.Get("/campaigns/{id}/certificates", auth.CampaignManage, h.certificateList)
	r.Get("/certificates/{id}", auth.CampaignManage, h.certificateShow)
	r.Post("/certificates/{id}/revoke", auth.CampaignManage, h.certificateRevoke)

	r.Get("/api/v1/notices/{id}", auth.Public, h.apiNotice)
	r.Post("/api/v1/notices/{id}/objections", auth.Public, h.apiObject)
	r.Get("/api/v1/campaigns/{id}/objections", auth.CampaignManage, h.apiObjections)
	r.Post("/api/v1/objections/{id}/decide", auth.CampaignManage, h.apiDecide)
	r.Post("/api/v1/campaigns/{id}/winners", auth.CampaignManage, h.apiName)
	r.Get("/api/v1/announcements/{id}", auth.Public, h.apiAnnouncement)
	r.Post("/api/v1/certificates/{id}/revoke", auth.CampaignManage, h.apiRevoke)
	r.Get("/api/v1/verify/{code}", auth.Public, h.apiVerify)
}

func (h *Handler) noticeShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := h.Campaigns.PublicNotice(ctx, id)
	if err != nil {
		return err
	}
	d := noticeData{V: v, Back: r.URL.Path}
	d.In.NominationID, _ = strconv.ParseInt(r.URL.Query().Get("n"), 10, 64)
	web.HTML(w)
	return web.Render(ctx, w, noticePage(d))
}

// objectionCreate takes the public objection form (multipart, the file
// optional). Bad input shows the notice again with the messages in the
// reader's language; success shows the receipt with its reference.
func (h *Handler) objectionCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in ObjectionInput
	name, data, uerr := web.Upload(w, r, MaxAttachment)
	fields := web.FieldErrors(uerr)
	switch {
	case uerr == nil:
		in.File = &Attachment{Name: name, Data: data}
	case fields != nil && fields["file"] == "err.required":
		fields = nil // no file: it is optional
	case fields != nil:
		fields = map[string]string{"file": "err.objection_file_size"}
	default:
		return uerr
	}
	in.NominationID, _ = strconv.ParseInt(r.PostFormValue("nomination_id"), 10, 64)
	in.Name, in.Contact, in.Text = r.PostFormValue("name"), r.PostFormValue("contact"), r.PostFormValue("text")
	var rc *Receipt
	if fields == nil {
		rc, err = h.Campaigns.Object(ctx, id, in, audit.MetaFrom(ctx).IP)
	}
	v, verr := h.Campaigns.PublicNotice(ctx, id)
	if verr != nil {
		return verr
	}
	web.HTML(w)
	if fields == nil && err == nil {
		return web.Render(ctx, w, receiptPage(v, rc, "/notice/"+noticeID(id)))
	}
	d := noticeData{V: v, Back: "/notice/" + noticeID(id), In: in, Errors: fields}
	if e, ok := errs.As(err); ok && fields == nil {
		switch e.Kind {
		case errs.Invalid:
			d.Errors = e.Fields
		case errs.Conflict, errs.TooMany:
			d.Message = e.Msg
		default:
			return err
		}
	} else if err != nil {
		return err
	}
	status := http.StatusUnprocessableEntity
	if e, ok := errs.As(err); ok {
		status = web.Status(e.Kind)
	}
	w.WriteHeader(status)
	return web.Render(ctx, w, noticePage(d))
}

func (h *Handler) announceShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a, err := h.Campaigns.Winners(ctx, id)
	if err != nil {
		return err
	}
	web.HTML(w)
	return web.Render(ctx, w, announcePage(a, r.URL.Path))
}

// verifyShow is the page a certificate's QR code opens; an unknown code
// gets the same page, saying so, with 404.
func (h *Handler) verifyShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v, err := h.Campaigns.Verify(ctx, r.PathValue("code"))
	if err != nil && errs.KindOf(err) != errs.NotFound {
		return err
	}
	web.HTML(w)
	if v == nil {
		w.WriteHeader(http.StatusNotFound)
	}
	return web.Render(ctx, w, verifyPage(v, r.URL.Path))
}

func (h *Handler) objectionList(w http.ResponseWriter, r *http.Request) error {
	return h.renderObjections(w, r, objectionsData{})
}

func (h *Handler) renderObjections(w http.ResponseWriter, r *http.Request, d objectionsData) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if d.C, err = h.Campaigns.Get(ctx, a, id); err != nil {
		return err
	}
	if d.List, err = h.Campaigns.Objections(ctx, a, id); err != nil {
		return err
	}
	web.HTML(w)
	if d.Errors != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return web.Render(ctx, w, objectionsPage(web.NewPage(w, r, web.T(ctx, "objection.list")+" · "+d.C.Title, "nav.campaigns"), d))
}

// campaignObjection is the objection {oid} of campaign {id}; one of
// another campaign is NotFound here.
func (h *Handler) campaignObjection(r *http.Request) (*Objection, error) {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	oid, err := web.PathID(r, "oid")
	if err != nil {
		return nil, err
	}
	o, err := h.Campaigns.Objection(ctx, auth.ActorFrom(ctx), oid)
	if err != nil {
		return nil, err
	}
	if o.CampaignID != id {
		return nil, errs.ErrNotFound
	}
	return o, nil
}

func (h *Handler) objectionDecide(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := h.campaignObjection(r)
	if err != nil {
		return err
	}
	d := Decision{Status: r.PostFormValue("status"), Reason: r.PostFormValue("reason")}
	back := "/campaigns/" + noticeID(o.CampaignID) + "/objections#o" + noticeID(o.ID)
	_, err = h.Campaigns.DecideObjection(ctx, auth.ActorFrom(ctx), o.ID, d)
	if fields := web.FieldErrors(err); fields != nil {
		return h.renderObjections(w, r, objectionsData{For: o.ID, In: d, Errors: fields})
	}
	if e, ok := errs.As(err); ok && e.Kind == errs.Conflict {
		web.SetFlash(w, "error", e.Msg)
		return web.Redirect(w, r, back, "")
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, back, "flash.objection_decided")
}

// objectionFile sends an attachment as a download of its sniffed type,
// never to be shown in the site's origin.
func (h *Handler) objectionFile(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := h.campaignObjection(r)
	if err != nil {
		return err
	}
	_, a, err := h.Campaigns.ObjectionFile(ctx, auth.ActorFrom(ctx), o.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", a.Type)
	w.Header().Set("Content-Disposition", `attachment; filename="objection-`+noticeID(o.ID)+attachmentTypes[a.Type]+
		`"; filename*=UTF-8''`+url.PathEscape(a.Name))
	w.Header().Set("Content-Security-Policy", "sandbox")
	w.Header().Set("Content-Length", strconv.Itoa(len(a.Data)))
	_, err = w.Write(a.Data)
	return err
}

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

// verifyURL is the absolute address of a certificate's verification, on
// the host the request came to (there is no configured public address).
func verifyURL(r *http.Request, code string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/verify/" + code
}

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

func (h *Handler) apiNotice(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := h.Campaigns.PublicNotice(r.Context(), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, v)
}

// apiObject takes an objection as JSON, the file's content in base64:
// the body may be larger than other API bodies to hold it.
func (h *Handler) apiObject(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in ObjectionInput
	r.Body = http.MaxBytesReader(w, r.Body, MaxAttachment*4/3+1<<20)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		var big *http.MaxBytesError
		if errors.As(err, &big) {
			return (errs.Fields{"file": "err.objection_file_size"}).Err()
		}
		return &errs.Error{Kind: errs.Invalid, Msg: "err.bad_json", Cause: err}
	}
	rc, err := h.Campaigns.Object(ctx, id, in, audit.MetaFrom(ctx).IP)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, rc)
}

func (h *Handler) apiObjections(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	list, err := h.Campaigns.Objections(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	if list == nil {
		list = []Objection{}
	}
	return web.JSON(w, http.StatusOK, map[string]any{"objections": list})
}

func (h *Handler) apiDecide(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var d Decision
	if err := web.DecodeJSON(w, r, &d); err != nil {
		return err
	}
	o, err := h.Campaigns.DecideObjection(ctx, auth.ActorFrom(ctx), id, d)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, o)
}

func (h *Handler) apiName(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var body struct {
		Winners []Winner `json:"winners"`
	}
	if err := web.DecodeJSON(w, r, &body); err != nil {
		return err
	}
	certs, err := h.Campaigns.Name(ctx, auth.ActorFrom(ctx), id, body.Winners)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, map[string]any{"certificates": certs})
}

func (h *Handler) apiAnnouncement(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a, err := h.Campaigns.Winners(r.Context(), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, a)
}

func (h *Handler) apiRevoke(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var body struct {
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(w, r, &body); err != nil {
		return err
	}
	x, err := h.Campaigns.Revoke(ctx, auth.ActorFrom(ctx), id, body.Reason)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, x)
}

func (h *Handler) apiVerify(w http.ResponseWriter, r *http.Request) error {
	v, err := h.Campaigns.Verify(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, v)
}

func serveNoticeStyle(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, err := w.Write([]byte(noticeStyle))
	return err
}
