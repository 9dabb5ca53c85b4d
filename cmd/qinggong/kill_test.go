package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestKillDuringWrites starts the real binary on SQLite, creates
// organizations through the API as fast as it answers, kills the process
// with SIGKILL mid-stream, restarts it and checks that every creation that
// was acknowledged is there, and that the audit chain and rollups verify
// without any repair.
func TestKillDuringWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "qinggong")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	env := append(os.Environ(), "QG_DB=sqlite:"+filepath.Join(dir, "q.db"), "QG_ADMIN_PASSWORD=Kill-Test-Pass-2026")
	cmd := func(args ...string) string {
		c := exec.Command(bin, args...)
		c.Env = env
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("qinggong %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	cmd("migrate")
	token := strings.TrimSpace(lastLine(cmd("token", "create", "--user", "admin")))

	for round := range 3 {
		addr := freeAddr(t)
		srv := exec.Command(bin, "serve", "--addr", addr)
		srv.Env = env
		if err := srv.Start(); err != nil {
			t.Fatal(err)
		}
		waitUp(t, "http://"+addr+"/healthz")
		var acked []string
		deadline := time.Now().Add(time.Duration(300+200*round) * time.Millisecond)
		for i := 0; time.Now().Before(deadline); i++ {
			code := fmt.Sprintf("KILL-%d-%d", round, i)
			body, _ := json.Marshal(map[string]any{"parent_id": 1, "name": "压力测试团委" + code, "code": code, "level": "district"})
			req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/orgs", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("create %s: %d", code, res.StatusCode)
			}
			acked = append(acked, code)
		}
		// Kill while a last write may be in flight.
		go func() {
			body, _ := json.Marshal(map[string]any{"parent_id": 1, "name": "in flight", "code": fmt.Sprintf("KILL-%d-x", round), "level": "district"})
			req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/orgs", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			http.DefaultClient.Do(req)
		}()
		srv.Process.Kill()
		srv.Wait()
		if len(acked) == 0 {
			t.Fatal("no write was acknowledged before the kill")
		}
		// Restart: every acknowledged organization is there, nothing needs repair.
		out := cmd("audit", "verify")
		if !strings.Contains(out, "intact") {
			t.Fatalf("round %d: audit verify after kill: %s", round, out)
		}
		addr = freeAddr(t)
		srv = exec.Command(bin, "serve", "--addr", addr)
		srv.Env = env
		if err := srv.Start(); err != nil {
			t.Fatal(err)
		}
		waitUp(t, "http://"+addr+"/healthz")
		for _, code := range acked {
			req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/orgs?q="+code, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var page struct{ Items []struct{ Code string } }
			json.NewDecoder(res.Body).Decode(&page)
			res.Body.Close()
			if len(page.Items) != 1 || page.Items[0].Code != code {
				t.Fatalf("round %d: acknowledged %s missing after restart", round, code)
			}
		}
		srv.Process.Kill()
		srv.Wait()
		t.Logf("round %d: %d acknowledged writes survived SIGKILL", round, len(acked))
	}
}

func lastLine(s string) string {
	var last string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			last = l
		}
	}
	return last
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitUp(t *testing.T, url string) {
	t.Helper()
	for range 100 {
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not come up", url)
}
