package web

import (
	"bufio"
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/auth"
)

// TestMetricsLint holds /metrics to what `promtool check metrics` asks of
// an exposition: every family with a HELP text and a TYPE, snake_case
// names, counters (and only counters) ending in _total, _count, _sum and
// _bucket only for histograms and summaries, buckets with le up to +Inf, no
// family twice. Every family's HELP text is our own (metricHelp), not the
// fallback. When promtool is installed (.ci/run installs it) the real
// check runs as well; in CI it must be.
func TestMetricsLint(t *testing.T) {
	r := NewRouter()
	r.Get("/lint/{id}", auth.Public, func(w http.ResponseWriter, r *http.Request) error { return nil })
	SystemRoutes(r, nil)
	h := Chain(r, nil, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/lint/1", nil))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("/metrics = %d", rec.Code)
	}
	body := rec.Body.Bytes()
	for _, p := range lintMetrics(body) {
		t.Error(p)
	}
	for line := range strings.Lines(string(body)) {
		if fam, ok := strings.CutPrefix(line, "# HELP "); ok {
			if fam, _, _ = strings.Cut(fam, " "); metricHelp[fam] == "" {
				t.Errorf("%s: no HELP text of ours in metricHelp", fam)
			}
		}
	}
	for _, fam := range []string{"qg_http_requests_total", "qg_http_request_duration_seconds", "go_goroutines", "process_cpu_seconds_total"} {
		if !bytes.Contains(body, []byte("# TYPE "+fam+" ")) {
			t.Errorf("no family %s", fam)
		}
	}
	if !bytes.Contains(body, []byte(`qg_http_request_duration_seconds_bucket{route="GET /lint/{id}",le="+Inf"} 1`)) {
		t.Errorf("the request is not in the duration histogram")
	}

	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("promtool is not installed (.ci/run installs the prometheus package)")
		}
		t.Log("promtool is not installed; the Go lint alone ran")
		return
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = bytes.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

func TestMetricsLintCatches(t *testing.T) {
	bad := "# HELP a_total\n# TYPE a_total counter\na_total 1\n" + // no help text
		"# HELP b_seconds Time.\n# TYPE b_seconds counter\nb_seconds 1\n" + // counter without _total
		"# HELP c_total Things.\n# TYPE c_total gauge\nc_total 1\n" + // gauge with _total
		"# HELP Bad_name X.\n# TYPE Bad_name gauge\nBad_name 1\n" + // not snake_case
		"# HELP d_seconds D.\n# TYPE d_seconds histogram\nd_seconds_bucket{le=\"1\"} 1\nd_seconds_sum 1\nd_seconds_count 1\n" + // no +Inf
		"# HELP c_total Things.\n# TYPE c_total counter\nc_total 1\n" + // twice
		"# TYPE e gauge\ne 1\n" // no HELP
	if got := lintMetrics([]byte(bad)); len(got) != 7 {
		t.Errorf("lint found %d problems, want 7:\n%s", len(got), strings.Join(got, "\n"))
	}
}

var (
	metricName = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
	sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$`)
)

// lintMetrics returns the exposition's problems, one line each.
func lintMetrics(body []byte) []string {
	var probs []string
	seen := map[string]bool{}
	var fam, typ, help string
	var bucketInf bool
	end := func() {
		if fam != "" && typ == "histogram" && !bucketInf {
			probs = append(probs, fam+": a histogram without an le=\"+Inf\" bucket")
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# HELP "):
			end()
			name, text, _ := strings.Cut(strings.TrimPrefix(line, "# HELP "), " ")
			fam, typ, help, bucketInf = name, "", strings.TrimSpace(text), false
			if seen[fam] {
				probs = append(probs, fam+": the family appears twice")
			}
			seen[fam] = true
			if help == "" {
				probs = append(probs, fam+": no help text")
			}
			if !metricName.MatchString(fam) {
				probs = append(probs, fam+": not a snake_case name")
			}
		case strings.HasPrefix(line, "# TYPE "):
			f := strings.Fields(line)
			if len(f) != 4 {
				probs = append(probs, "not a TYPE line: "+line)
				continue
			}
			if f[2] != fam {
				probs = append(probs, f[2]+": TYPE without its HELP before it")
				end()
				fam, bucketInf = f[2], false
				seen[fam] = true
			}
			typ = f[3]
			switch typ {
			case "counter":
				if !strings.HasSuffix(fam, "_total") {
					probs = append(probs, fam+": a counter not ending in _total")
				}
			case "gauge", "histogram", "summary":
				if strings.HasSuffix(fam, "_total") {
					probs = append(probs, fam+": a "+typ+" ending in _total")
				}
			default:
				probs = append(probs, fam+": type "+typ)
			}
			if typ != "histogram" && typ != "summary" {
				for _, s := range []string{"_count", "_sum", "_bucket"} {
					if strings.HasSuffix(fam, s) {
						probs = append(probs, fam+": a "+typ+" ending in "+s)
					}
				}
			}
		case strings.HasPrefix(line, "#") || line == "":
		default:
			m := sampleLine.FindStringSubmatch(line)
			if m == nil {
				probs = append(probs, "not a sample: "+line)
				continue
			}
			if _, err := strconv.ParseFloat(m[3], 64); err != nil {
				probs = append(probs, "not a number: "+line)
			}
			name, ok := m[1], false
			switch typ {
			case "histogram":
				ok = name == fam+"_bucket" || name == fam+"_sum" || name == fam+"_count"
				if name == fam+"_bucket" {
					if !strings.Contains(m[2], `le="`) {
						probs = append(probs, "a bucket without le: "+line)
					}
					bucketInf = bucketInf || strings.Contains(m[2], `le="+Inf"`)
				}
			case "summary":
				ok = name == fam || name == fam+"_sum" || name == fam+"_count"
			case "":
				ok = false
			default:
				ok = name == fam
			}
			if !ok {
				probs = append(probs, "a sample outside its family "+fam+": "+line)
			}
		}
	}
	end()
	return probs
}
