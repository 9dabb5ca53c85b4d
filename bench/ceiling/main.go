// Command ceiling serves the two ceilings the platform's load figures are
// compared with, measured in the same run on the same machine:
//
//	/const  a bare handler writing a constant body (for /healthz)
//	/page   a templ page of an organization page's size rendered from memory
//	        (for the organization page)
//
// Usage: go run ./bench/ceiling --addr 127.0.0.1:8090
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"

	"qinggong/internal/auth"
	"qinggong/internal/web"
)

type row struct{ Name, Code, URL string }

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "listen address (loopback)")
	flag.Parse()
	rows := make([]row, 20)
	for i := range rows {
		rows[i] = row{Name: fmt.Sprintf("车辆段检修车间第%d团支部", i+1), Code: fmt.Sprintf("SH-S02-U0001-B%02d", i+1), URL: fmt.Sprintf("/orgs/%d", 100+i)}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /const", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	// The same actor as the measured page's, so the header and navigation
	// render too and the two pages are the same size.
	admin := &auth.Actor{Name: "团市委管理员", Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", Paths: []string{"/1/"}}}}
	mux.HandleFunc("GET /page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		// Rendered and sent the same way as every real page (web.Render).
		web.Render(auth.WithActor(r.Context(), admin), w, page(rows))
	})
	log.Fatal(http.ListenAndServe(*addr, mux))
}
