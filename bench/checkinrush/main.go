// Command checkinrush is issue 12's seminar test: N attendees, each with
// their own API token, check in once to one session through the real
// endpoint (POST /api/v1/sessions/{id}/checkin) with the code the
// organizer's screen shows at the moment they arrive. The screen is the
// real one too: the organizer's session polls /sessions/{id}/screen/live
// every --poll, as the page's htmx does, and attendees read the code from
// the last fragment it got (the current window's code; the previous
// window's is still accepted for the seconds between reading and sending).
//
// Arrivals are spread uniformly at random over --spread (0: all at once),
// at most -c requests in flight (0: no limit). No request is retried: an
// answer other than 201 is an error. At the end the organizer reads the
// session's attendance (GET /api/v1/sessions/{id}/attendance) and the
// command checks that every attendee is in it exactly once. It prints
// key=value lines and exits 1 on any error or missing check-in. Loopback
// only; everything stops after --timeout.
//
//	go run ./bench/checkinrush --base http://127.0.0.1:8080 --session 42 \
//	    --cookie qg_session=… --tokens tokens.txt -n 2000 --spread 60s
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type options struct {
	base, cookie, tokens string
	session              int64
	n, conns             int
	spread, poll         time.Duration
	timeout              time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.base, "base", "http://127.0.0.1:8080", "the server (loopback)")
	flag.Int64Var(&o.session, "session", 0, "session to check in to")
	flag.StringVar(&o.cookie, "cookie", "", "Cookie header of the organizer (for the screen and the attendance)")
	flag.StringVar(&o.tokens, "tokens", "", "file of API tokens, one a line; the first n are the attendees")
	flag.IntVar(&o.n, "n", 2000, "attendees")
	flag.IntVar(&o.conns, "c", 0, "requests in flight at most (0: no limit)")
	flag.DurationVar(&o.spread, "spread", 60*time.Second, "arrivals spread uniformly over this long (0: all at once)")
	flag.DurationVar(&o.poll, "poll", 5*time.Second, "how often the organizer's screen refreshes")
	flag.DurationVar(&o.timeout, "timeout", 5*time.Minute, "stop after this long whatever happens")
	flag.Parse()
	if err := run(o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "checkinrush:", err)
		os.Exit(1)
	}
}

func run(o options, out io.Writer) error {
	u, err := url.Parse(o.base)
	if err != nil || u.Scheme != "http" || !loopback(u.Hostname()) {
		return errors.New("--base must be an http URL on the loopback interface")
	}
	if o.session == 0 || o.cookie == "" || o.tokens == "" || o.n < 1 {
		return errors.New("need --session, --cookie, --tokens and n >= 1")
	}
	toks, err := readTokens(o.tokens, o.n)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	sc := &screen{client: client, url: fmt.Sprintf("%s/sessions/%d/screen/live", o.base, o.session), cookie: o.cookie}
	if err := sc.refresh(ctx); err != nil {
		return fmt.Errorf("screen: %w", err)
	}
	go sc.loop(ctx, o.poll)

	checkin := fmt.Sprintf("%s/api/v1/sessions/%d/checkin", o.base, o.session)
	lat := make([]time.Duration, len(toks))
	status := make([]int, len(toks))
	var inflight chan struct{}
	if o.conns > 0 {
		inflight = make(chan struct{}, o.conns)
	}
	rng := rand.New(rand.NewPCG(2000, uint64(o.session)))
	start := time.Now()
	var last atomic.Int64 // when the last answer came, since start
	var wg sync.WaitGroup
	for i, tok := range toks {
		due := start
		if o.spread > 0 {
			due = start.Add(time.Duration(rng.Int64N(int64(o.spread))))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case <-time.After(time.Until(due)):
			case <-ctx.Done():
				return
			}
			if inflight != nil {
				inflight <- struct{}{}
				defer func() { <-inflight }()
			}
			t := time.Now()
			status[i] = post(ctx, client, checkin, tok, sc.code())
			lat[i] = time.Since(t)
			for d := int64(time.Since(start)); ; {
				old := last.Load()
				if d <= old || last.CompareAndSwap(old, d) {
					break
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Duration(last.Load())
	byStatus := map[int]int{}
	for _, s := range status {
		byStatus[s]++
	}
	ok := byStatus[http.StatusCreated]
	sorted := slices.Clone(lat)
	slices.Sort(sorted)
	pct := func(p float64) float64 { return float64(sorted[int(float64(len(sorted)-1)*p)].Microseconds()) / 1000 }
	rows, people, err := attendance(ctx, client, fmt.Sprintf("%s/api/v1/sessions/%d/attendance", o.base, o.session), o.cookie)
	if err != nil {
		return fmt.Errorf("attendance: %w", err)
	}
	fmt.Fprintf(out, "attendees=%d\nspread_s=%.0f\nin_flight_max=%d\nok=%d\nerrors=%d\n", len(toks), o.spread.Seconds(), o.conns, ok, len(toks)-ok)
	for s, n := range byStatus {
		if s != http.StatusCreated {
			fmt.Fprintf(out, "status_%d=%d\n", s, n)
		}
	}
	fmt.Fprintf(out, "elapsed_s=%.1f\np50_ms=%.1f\np90_ms=%.1f\np99_ms=%.1f\nmax_ms=%.1f\nscreen_polls=%d\nattendance_rows=%d\nattendance_people=%d\n",
		elapsed.Seconds(), pct(.5), pct(.9), pct(.99), pct(1), sc.polls.Load(), rows, people)
	if ok != len(toks) || rows != ok || people != ok {
		return fmt.Errorf("%d of %d checked in, %d attendance rows for %d people", ok, len(toks), rows, people)
	}
	return nil
}

// post sends one check-in and returns the status (0 when none came).
func post(ctx context.Context, c *http.Client, target, token, code string) int {
	req, _ := http.NewRequestWithContext(ctx, "POST", target, strings.NewReader(`{"code":"`+code+`"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// screen is the organizer's check-in screen, refreshed as htmx does.
type screen struct {
	client      *http.Client
	url, cookie string
	mu          sync.Mutex
	current     string
	polls       atomic.Int64
}

var codeRE = regexp.MustCompile(`class="code">([A-Z2-7]{8})<`)

func (s *screen) refresh(ctx context.Context) error {
	req, _ := http.NewRequestWithContext(ctx, "GET", s.url, nil)
	req.Header.Set("Cookie", s.cookie)
	req.Header.Set("HX-Request", "true")
	res, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	m := codeRE.FindSubmatch(body)
	if res.StatusCode != http.StatusOK || m == nil {
		return fmt.Errorf("status %d, no code on the screen", res.StatusCode)
	}
	s.polls.Add(1)
	s.mu.Lock()
	s.current = string(m[1])
	s.mu.Unlock()
	return nil
}

func (s *screen) loop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.refresh(ctx) // a failed poll keeps the last code, as the page would
		}
	}
}

func (s *screen) code() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current
}

// attendance counts the session's check-ins and the distinct people in them.
func attendance(ctx context.Context, c *http.Client, target, cookie string) (int, int, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", target, nil)
	req.Header.Set("Cookie", cookie)
	res, err := c.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("status %d", res.StatusCode)
	}
	var body struct {
		Items []struct {
			PersonID int64 `json:"person_id"`
		} `json:"items"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return 0, 0, err
	}
	seen := map[int64]bool{}
	for _, x := range body.Items {
		seen[x.PersonID] = true
	}
	return len(body.Items), len(seen), nil
}

func readTokens(file string, n int) ([]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() && len(out) < n {
		if t := strings.TrimSpace(sc.Text()); t != "" {
			out = append(out, t)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) < n {
		return nil, fmt.Errorf("%s holds %d tokens, %d wanted", file, len(out), n)
	}
	return out, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
