// Command loadgen sends GET requests to one loopback URL, either as fast as
// N connections allow (closed loop, like wrk) or at a fixed rate (open loop,
// so latency under a given load is not hidden by coordinated omission), and
// prints requests/s and latency percentiles as JSON. It refuses any host
// that is not loopback and always stops after --duration.
//
//	go run ./bench/loadgen --url http://127.0.0.1:8080/healthz -c 32 -d 10s
//	go run ./bench/loadgen --url http://127.0.0.1:8080/orgs/5 --cookie qg_session=… --rate 800 -d 10s
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"time"
)

type result struct {
	URL      string  `json:"url"`
	Mode     string  `json:"mode"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	RPS      float64 `json:"rps"`
	P50ms    float64 `json:"p50_ms"`
	P90ms    float64 `json:"p90_ms"`
	P99ms    float64 `json:"p99_ms"`
}

func main() {
	target := flag.String("url", "", "loopback URL to GET")
	conns := flag.Int("c", 32, "connections (closed loop) or workers (open loop)")
	rate := flag.Int("rate", 0, "requests per second (open loop); 0 = as fast as possible")
	dur := flag.Duration("d", 10*time.Second, "duration (at most 2m)")
	cookie := flag.String("cookie", "", "Cookie header to send")
	flag.Parse()
	u, err := url.Parse(*target)
	if err != nil || !loopback(u.Hostname()) {
		fmt.Fprintln(os.Stderr, "loadgen: --url must be an http URL on the loopback interface")
		os.Exit(2)
	}
	if *dur > 2*time.Minute {
		*dur = 2 * time.Minute
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *conns + 64, MaxConnsPerHost: 0}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	// one sends a request and records its latency from since: the moment it
	// was due (open loop) or sent (closed loop).
	one := func(since time.Time) {
		req, _ := http.NewRequest("GET", *target, nil)
		if *cookie != "" {
			req.Header.Set("Cookie", *cookie)
		}
		res, err := client.Do(req)
		ok := err == nil
		if ok {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			ok = res.StatusCode == 200
		}
		d := time.Since(since)
		mu.Lock()
		lat = append(lat, d)
		if !ok {
			errs++
		}
		mu.Unlock()
	}
	start := time.Now()
	deadline := start.Add(*dur)
	var wg sync.WaitGroup
	mode := "closed"
	if *rate > 0 {
		// Open loop: a pacer schedules one request every interval and a
		// fixed pool of workers sends them. Latency counts from when a
		// request was due, so time spent waiting for a free worker (the
		// server being slow) is counted, not hidden (coordinated omission).
		mode = "open"
		interval := time.Second / time.Duration(*rate)
		due := make(chan time.Time, *rate*int(dur.Seconds()+1))
		for range *conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for t := range due {
					time.Sleep(time.Until(t))
					one(t)
				}
			}()
		}
		for next := start; next.Before(deadline); next = next.Add(interval) {
			due <- next
		}
		close(due)
	} else {
		for range *conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(deadline) {
					one(time.Now())
				}
			}()
		}
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000
	}
	json.NewEncoder(os.Stdout).Encode(result{URL: *target, Mode: mode, Requests: len(lat), Errors: errs,
		RPS: float64(len(lat)) / elapsed.Seconds(), P50ms: pct(.5), P90ms: pct(.9), P99ms: pct(.99)})
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
