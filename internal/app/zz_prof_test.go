package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"qinggong/internal/app"
	"qinggong/internal/config"
)

func BenchmarkProfOrgPage(b *testing.B) {
	cfg := config.Default()
	cfg.DB = os.Getenv("PROF_DB")
	cfg.SecretFile = "/tmp/qb/key"
	a, err := app.Open(context.Background(), cfg, app.Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, _ := c.PostForm(srv.URL+"/login", url.Values{"login": {"admin"}, "password": {"Bench-Pass-2026x"}})
	cookie := strings.Split(res.Header.Get("Set-Cookie"), ";")[0]
	path := os.Getenv("PROF_PATH")
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("GET", srv.URL+path, nil)
			req.Header.Set("Cookie", cookie)
			r, _ := c.Do(req)
			io.Copy(io.Discard, r.Body)
			r.Body.Close()
			if r.StatusCode != 200 {
				b.Fatal(r.StatusCode)
			}
		}
	})
}
