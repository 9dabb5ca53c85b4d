package app_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/db/dbtest"
)

// noticeEnv is a campaign in publicity whose notice lists the fixture's
// two people (张三 at B1, 张山 at B2, nominated by the city), open from
// today for five days.
type noticeEnv struct {
	*peopleEnv
	c    *campaign.Campaign
	noms []*campaign.Nomination
}

func newNoticeEnv(t *testing.T, dbName string) *noticeEnv {
	t.Helper()
	e := &noticeEnv{peopleEnv: newPeopleEnv(t, dbName)}
	admin, err := e.App.Users.Actor(context.Background(), e.Users["admin"])
	if err != nil {
		t.Fatal(err)
	}
	ctx := auth.WithAuditMeta(context.Background(), admin)
	cs := e.App.Campaigns
	root := e.Orgs["C"]
	if e.c, err = cs.Create(ctx, admin, campaign.Input{Title: "青年岗位能手", OrgID: root.ID, NomineeKind: campaign.NomineePerson, Winners: 2}); err != nil {
		t.Fatal(err)
	}
	if e.c, err = cs.Advance(ctx, admin, e.c.ID, campaign.StageNominating); err != nil {
		t.Fatal(err)
	}
	for _, p := range []int64{e.d1.ID, e.d2.ID} {
		n, err := cs.Nominate(ctx, admin, e.c.ID, campaign.NominateInput{OrgID: root.ID, NomineeID: p,
			Moral: "思想政治素质好，爱岗敬业，遵纪守法。", Summary: "技术攻关能手，带徒传技。"})
		if err != nil {
			t.Fatal(err)
		}
		e.noms = append(e.noms, n)
	}
	for _, st := range []string{campaign.StageChecking, campaign.StageReviewing} {
		if _, err := cs.Advance(ctx, admin, e.c.ID, st); err != nil {
			t.Fatal(err)
		}
	}
	today := time.Now().In(time.FixedZone("CST", 8*3600))
	in := campaign.NoticeInput{Starts: today.Format(time.DateOnly), Ends: today.AddDate(0, 0, 4).Format(time.DateOnly),
		Contact: "电话 021-63210000（工作日 9:00–17:00）", Items: []campaign.NoticeItem{{NominationID: e.noms[0].ID}, {NominationID: e.noms[1].ID}}}
	if _, err := cs.Publicize(ctx, admin, e.c.ID, in); err != nil {
		t.Fatal(err)
	}
	if e.c, err = cs.Advance(ctx, admin, e.c.ID, campaign.StagePublicity); err != nil {
		t.Fatal(err)
	}
	return e
}

// postObjection posts the public form as a browser would (multipart, the
// file optional), in the language given.
func (e *noticeEnv) postObjection(t *testing.T, lang string, fields map[string]string, file string, data []byte) (int, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", file)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", e.Server.URL+"/notice/"+strconv.FormatInt(e.c.ID, 10)+"/objections", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept-Language", lang)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// TestNoticePublicPages walks the public side as an anonymous reader on
// both databases: the notice (nothing personal in it, no script), the
// objection form's refusals in the reader's language, a receipt, the JSON
// twins, then the organizer's list, download and decision.
func TestNoticePublicPages(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := newNoticeEnv(t, name)
			anon := e.Anon().For(t)
			id := strconv.FormatInt(e.c.ID, 10)
			r := anon.Get("/notice/" + id)
			if r.StatusCode != 200 || !strings.Contains(r.Body, "张三") || !strings.Contains(r.Body, "张山") || !strings.Contains(r.Body, "021-63210000") {
				t.Fatalf("notice: %d %s", r.StatusCode, r.Body)
			}
			for _, secret := range []string{e.d1ID, e.d2ID, e.d2Phone, e.d1.IDMasked, e.d2.IDMasked, e.d1.BirthDate, "思想政治素质好", "<script"} {
				if strings.Contains(r.Body, secret) {
					t.Errorf("the public notice holds %q", secret)
				}
			}
			css := regexp.MustCompile(`href="(/assets/campaign/notice\.[0-9a-f]+\.css)"`).FindStringSubmatch(r.Body)
			if css == nil {
				t.Fatal("no notice stylesheet linked")
			}
			if s := anon.Get(css[1]); s.StatusCode != 200 || !strings.Contains(s.Body, "@page { size: A4 landscape") ||
				!strings.Contains(s.Body, `"WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif`) {
				t.Errorf("stylesheet: %d", s.StatusCode)
			}
			nom := strconv.FormatInt(e.noms[0].ID, 10)
			text := "该同志的技术攻关成果系他人完成，请核实。"
			if code, body := e.postObjection(t, "zh-CN", map[string]string{"nomination_id": nom, "text": "不对"}, "", nil); code != 422 ||
				!strings.Contains(body, "异议内容须为 10–2000 字") || !strings.Contains(body, "不对") {
				t.Errorf("short objection: %d", code)
			}
			if code, body := e.postObjection(t, "en", map[string]string{"nomination_id": nom, "text": text}, "a.pdf", []byte("MZ\x90\x00 not a pdf")); code != 422 ||
				!strings.Contains(body, "The file must be a PDF, JPEG or PNG.") {
				t.Errorf("wrong file type: %d %s", code, body)
			}
			big := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("0"), campaign.MaxAttachment)...)
			if code, body := e.postObjection(t, "zh-CN", map[string]string{"nomination_id": nom, "text": text}, "big.pdf", big); code != 422 ||
				!strings.Contains(body, "附件不能超过 5 MB") {
				t.Errorf("file too large: %d", code)
			}
			pngData := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
			code, body := e.postObjection(t, "zh-CN", map[string]string{"nomination_id": nom, "text": text, "contact": "13800000000"}, "证据.png", pngData)
			ref := regexp.MustCompile(id + `-[A-Z2-7]{8}`).FindString(body)
			if code != 200 || !strings.Contains(body, "已收到您的异议") || ref == "" {
				t.Fatalf("objection: %d %s", code, body)
			}
			// A cross-site browser post is refused, like every form's.
			req, _ := http.NewRequest("POST", e.Server.URL+"/notice/"+id+"/objections", strings.NewReader("text=x"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 403 {
				t.Errorf("cross-site post: %v %v", res, err)
			}

			var v campaign.PublicView
			if r := anon.Get("/api/v1/notices/" + id); r.StatusCode != 200 || strings.Contains(r.Body, e.d1ID) {
				t.Fatalf("api notice: %d", r.StatusCode)
			} else {
				r.JSON(t, &v)
			}
			if !v.Open || len(v.Items) != 2 || v.Items[0].Org == "" {
				t.Errorf("api notice: %+v", v)
			}
			pdf := []byte("%PDF-1.7\n%%EOF\n")
			r = anon.Do("POST", "/api/v1/notices/"+id+"/objections", map[string]any{"nomination_id": e.noms[1].ID, "text": text,
				"file": map[string]any{"name": "x.pdf", "data": base64.StdEncoding.EncodeToString(pdf)}})
			if r.StatusCode != 201 || !strings.Contains(r.Body, `"ref":"`+id+"-") {
				t.Fatalf("api objection: %d %s", r.StatusCode, r.Body)
			}
			if r := anon.Do("POST", "/api/v1/notices/"+id+"/objections", map[string]any{"nomination_id": e.noms[1].ID}); r.StatusCode != 422 ||
				!strings.Contains(r.Body, `"text"`) {
				t.Errorf("api objection without text: %d %s", r.StatusCode, r.Body)
			}

			// The organizer's side.
			admin := e.Login("admin").For(t)
			list := admin.Get("/campaigns/" + id + "/objections")
			if list.StatusCode != 200 || !strings.Contains(list.Body, ref) || !strings.Contains(list.Body, "13800000000") {
				t.Fatalf("objections page: %d", list.StatusCode)
			}
			var objs struct{ Objections []campaign.Objection }
			e.Bearer("admin").For(t).Get("/api/v1/campaigns/"+id+"/objections").JSON(t, &objs)
			if len(objs.Objections) != 2 || objs.Objections[0].FileType != "image/png" {
				t.Fatalf("api objections: %+v", objs)
			}
			oid := strconv.FormatInt(objs.Objections[0].ID, 10)
			f := admin.Get("/campaigns/" + id + "/objections/" + oid + "/file")
			if f.StatusCode != 200 || f.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(f.Header.Get("Content-Disposition"), "attachment") ||
				f.Body != string(pngData) {
				t.Errorf("download: %d %v", f.StatusCode, f.Header)
			}
			if r := admin.PostForm("/campaigns/"+id+"/objections/"+oid+"/decide", url.Values{"status": {"upheld"}}); r.StatusCode != 422 ||
				!strings.Contains(r.Body, "必填") {
				t.Errorf("decision without a reason: %d", r.StatusCode)
			}
			if r := admin.PostForm("/campaigns/"+id+"/objections/"+oid+"/decide", url.Values{"status": {"dismissed"}, "reason": {"经核实，成果系本人完成。"}}); r.StatusCode != 303 {
				t.Errorf("decide: %d %s", r.StatusCode, r.Body)
			}
			for _, login := range []string{"org_admin_d1"} {
				c := e.Login(login).For(t)
				for _, p := range []string{"/campaigns/" + id + "/objections", "/campaigns/" + id + "/objections/" + oid + "/file"} {
					if r := c.Get(p); r.StatusCode != 404 {
						t.Errorf("%s GET %s = %d, want 404", login, p, r.StatusCode)
					}
				}
			}
		})
	}
}

// TestNamingCertificatePages: after the notice, the winners are named by
// the API; the announcement is public, the certificate prints with its
// QR code for the organizer only, and verification says valid, then
// revoked with the reason.
func TestNamingCertificatePages(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := newNoticeEnv(t, name)
			id := strconv.FormatInt(e.c.ID, 10)
			api := e.Bearer("admin").For(t)
			winners := map[string]any{"winners": []map[string]any{{"nomination_id": e.noms[0].ID}, {"nomination_id": e.noms[1].ID}}}
			if r := api.Do("POST", "/api/v1/campaigns/"+id+"/winners", winners); r.StatusCode != 409 || !strings.Contains(r.Body, "公示期尚未结束") {
				t.Fatalf("naming during the notice: %d %s", r.StatusCode, r.Body)
			}
			anon := e.Anon().For(t)
			if r := anon.Get("/announce/" + id); r.StatusCode != 404 {
				t.Errorf("announcement before naming: %d", r.StatusCode)
			}
			// The notice ended yesterday.
			past := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, -6)
			if _, err := e.App.DB.W().ExecContext(context.Background(), `UPDATE notices SET starts = $1, ends = $2 WHERE campaign_id = $3`,
				past.Format(time.DateOnly), past.AddDate(0, 0, 5).Format(time.DateOnly), e.c.ID); err != nil {
				t.Fatal(err)
			}
			var named struct{ Certificates []campaign.Certificate }
			r := api.Do("POST", "/api/v1/campaigns/"+id+"/winners", winners)
			if r.StatusCode != 201 {
				t.Fatalf("naming: %d %s", r.StatusCode, r.Body)
			}
			r.JSON(t, &named)
			x := named.Certificates[0]
			if len(named.Certificates) != 2 || len(x.Code) < 32 || !strings.HasPrefix(x.Number, "QG") {
				t.Fatalf("certificates: %+v", named)
			}
			if r := anon.Get("/announce/" + id); r.StatusCode != 200 || !strings.Contains(r.Body, "张三") || strings.Contains(r.Body, e.d1ID) {
				t.Errorf("announcement: %d", r.StatusCode)
			}
			if r := anon.Get("/api/v1/announcements/" + id); r.StatusCode != 200 || !strings.Contains(r.Body, "张山") {
				t.Errorf("api announcement: %d", r.StatusCode)
			}
			cert := "/certificates/" + strconv.FormatInt(x.ID, 10)
			admin := e.Login("admin").For(t)
			page := admin.Get(cert)
			if page.StatusCode != 200 || !strings.Contains(page.Body, x.Number) || !strings.Contains(page.Body, "荣誉证书") {
				t.Fatalf("certificate page: %d", page.StatusCode)
			}
			qr := regexp.MustCompile(`src="data:image/png;base64,([A-Za-z0-9+/=]+)"`).FindStringSubmatch(page.Body)
			if qr == nil {
				t.Fatal("no QR code on the certificate")
			}
			raw, _ := base64.StdEncoding.DecodeString(qr[1])
			if _, err := png.Decode(bytes.NewReader(raw)); err != nil {
				t.Errorf("QR code: %v", err)
			}
			host := strings.TrimPrefix(e.Server.URL, "http://")
			if !strings.Contains(page.Body, "http://"+host+"/verify/"+x.Code) {
				t.Error("the certificate does not link its verification address")
			}
			for _, login := range []string{"org_admin_d1", "cadre_u1"} {
				if r := e.Login(login).For(t).Get(cert); r.StatusCode != 404 && r.StatusCode != 403 {
					t.Errorf("%s reads the certificate: %d", login, r.StatusCode)
				}
			}
			v := anon.Get("/verify/" + x.Code)
			if v.StatusCode != 200 || !strings.Contains(v.Body, "有效") || !strings.Contains(v.Body, "张三") || strings.Contains(v.Body, e.d1ID) {
				t.Fatalf("verify: %d %s", v.StatusCode, v.Body)
			}
			if r := anon.Get("/verify/" + strings.Repeat("a", 32)); r.StatusCode != 404 || !strings.Contains(r.Body, "未找到证书") {
				t.Errorf("unknown code: %d", r.StatusCode)
			}
			if r := admin.PostForm(cert+"/revoke", url.Values{"reason": {""}}); r.StatusCode != 422 {
				t.Errorf("revoke without a reason: %d", r.StatusCode)
			}
			if r := admin.PostForm(cert+"/revoke", url.Values{"reason": {"荣誉获得者受到纪律处分"}}); r.StatusCode != 303 {
				t.Fatalf("revoke: %d %s", r.StatusCode, r.Body)
			}
			if v := anon.Get("/verify/" + x.Code); !strings.Contains(v.Body, "已撤销") || !strings.Contains(v.Body, "荣誉获得者受到纪律处分") {
				t.Errorf("verify a revoked certificate: %s", v.Body)
			}
			var ver campaign.Verification
			anon.Get("/api/v1/verify/"+x.Code).JSON(t, &ver)
			if ver.Valid || ver.RevokedOn == "" {
				t.Errorf("api verify: %+v", ver)
			}
			if r := api.Do("POST", "/api/v1/certificates/"+strconv.FormatInt(x.ID, 10)+"/revoke", map[string]string{"reason": "again"}); r.StatusCode != 409 {
				t.Errorf("revoke twice: %d", r.StatusCode)
			}
			if r := admin.Get("/people/" + strconv.FormatInt(e.d2.ID, 10)); !strings.Contains(r.Body, "获得评选表彰") {
				t.Error("the growth record lacks the honour")
			}
		})
	}
}
