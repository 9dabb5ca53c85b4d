package campaign

import (
	"bytes"
	"net/http"
	"strconv"

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
	page := func(buf *bytes.Buffer) error {
		v, err := h.Campaigns.PublicNotice(ctx, id)
		if err != nil {
			return err
		}
		d := noticeData{V: v, Back: r.URL.Path}
		d.In.NominationID, _ = strconv.ParseInt(r.URL.Query().Get("n"), 10, 64)
		return noticePage(d).Render(ctx, buf)
	}
	// A candidate chosen in the link (?n=) preselects the objection form:
	// that page is rendered for the request; the plain one is shared.
	if r.URL.RawQuery != "" {
		var buf bytes.Buffer
		if err := page(&buf); err != nil {
			return err
		}
		return web.Send(w, buf.Bytes())
	}
	return h.servedCached(w, r, id, page)
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

// campaignObjection is the objection {oid} of campaign {id}; one of
// another campaign is NotFound here.
// objectionFile sends an attachment as a download of its sniffed type,
// never to be shown in the site's origin.
// verifyURL is the absolute address of a certificate's verification, on
// the host the request came to (there is no configured public address).
// apiObject takes an objection as JSON, the file's content in base64:
// the body may be larger than other API bodies to hold it.
func serveNoticeStyle(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, err := w.Write([]byte(noticeStyle))
	return err
}
