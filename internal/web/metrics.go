package web

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"sync"

	"github.com/VictoriaMetrics/metrics"
)

// requestBuckets are the upper bounds (seconds) of the request duration
// histogram: a page or API call takes milliseconds, an export or upload
// seconds.
var requestBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// metricHelp is the HELP text of every family /metrics exposes; the
// library writes "# HELP name" with none. TestMetricsLint fails when a
// family lacks one here, so a new metric comes with its description.
var metricHelp = map[string]string{
	"qg_http_requests_total":           "HTTP requests served, by route pattern and status class.",
	"qg_http_request_duration_seconds": "Time to serve an HTTP request, by route pattern.",

	"go_gc_duration_seconds":              "Wall-clock time of garbage collection stop-the-world pauses.",
	"go_gc_pauses_seconds":                "Distribution of garbage collection stop-the-world pause times.",
	"go_gc_cpu_seconds_total":             "CPU time spent in garbage collection.",
	"go_gc_mark_assist_cpu_seconds_total": "CPU time goroutines spent assisting the garbage collector.",
	"go_scavenge_cpu_seconds_total":       "CPU time spent returning unused memory to the operating system.",
	"go_sched_latencies_seconds":          "Distribution of the time goroutines waited to be scheduled.",
	"go_mutex_wait_seconds_total":         "Time goroutines spent blocked on sync.Mutex or sync.RWMutex.",
	"go_memlimit_bytes":                   "The Go runtime's soft memory limit (GOMEMLIMIT).",
	"go_gomaxprocs":                       "Number of OS threads that may run Go code at once (GOMAXPROCS).",
	"go_goroutines":                       "Number of goroutines that currently exist.",
	"go_threads":                          "Number of OS threads created.",
	"go_info":                             "Go version the binary was built with, as a label; always 1.",
	"go_info_ext":                         "Go build details as labels (compiler and version); always 1.",

	"go_memstats_alloc_bytes":          "Bytes of allocated heap objects.",
	"go_memstats_alloc_bytes_total":    "Bytes allocated for heap objects since the process started.",
	"go_memstats_buck_hash_sys_bytes":  "Bytes of memory in profiling bucket hash tables.",
	"go_memstats_frees_total":          "Heap objects freed since the process started.",
	"go_memstats_gc_cpu_fraction":      "Fraction of the process's CPU time used by the garbage collector.",
	"go_memstats_gc_sys_bytes":         "Bytes of memory in garbage collection metadata.",
	"go_memstats_heap_alloc_bytes":     "Bytes of allocated heap objects.",
	"go_memstats_heap_idle_bytes":      "Bytes in idle (unused) heap spans.",
	"go_memstats_heap_inuse_bytes":     "Bytes in in-use heap spans.",
	"go_memstats_heap_objects":         "Number of allocated heap objects.",
	"go_memstats_heap_released_bytes":  "Bytes of physical memory returned to the operating system.",
	"go_memstats_heap_sys_bytes":       "Bytes of heap memory obtained from the operating system.",
	"go_memstats_last_gc_time_seconds": "Time the last garbage collection finished, in seconds since the epoch.",
	"go_memstats_lookups_total":        "Pointer lookups performed by the runtime.",
	"go_memstats_mallocs_total":        "Heap objects allocated since the process started.",
	"go_memstats_mcache_inuse_bytes":   "Bytes of allocated mcache structures.",
	"go_memstats_mcache_sys_bytes":     "Bytes of memory obtained from the operating system for mcache structures.",
	"go_memstats_mspan_inuse_bytes":    "Bytes of allocated mspan structures.",
	"go_memstats_mspan_sys_bytes":      "Bytes of memory obtained from the operating system for mspan structures.",
	"go_memstats_next_gc_bytes":        "Heap size at which the next garbage collection starts.",
	"go_memstats_other_sys_bytes":      "Bytes of memory in miscellaneous off-heap runtime allocations.",
	"go_memstats_stack_inuse_bytes":    "Bytes in stack spans.",
	"go_memstats_stack_sys_bytes":      "Bytes of stack memory obtained from the operating system.",
	"go_memstats_sys_bytes":            "Total bytes of memory obtained from the operating system.",

	"process_cpu_seconds_total":              "User and system CPU time spent by the process.",
	"process_cpu_seconds_user_total":         "User CPU time spent by the process.",
	"process_cpu_seconds_system_total":       "System CPU time spent by the process.",
	"process_major_pagefaults_total":         "Major page faults (those that read from disk).",
	"process_minor_pagefaults_total":         "Minor page faults (those served from memory).",
	"process_num_threads":                    "Number of OS threads in the process.",
	"process_resident_memory_bytes":          "Resident memory size.",
	"process_resident_memory_peak_bytes":     "Peak resident memory size.",
	"process_resident_memory_anon_bytes":     "Resident anonymous memory.",
	"process_resident_memory_file_bytes":     "Resident file-backed memory.",
	"process_resident_memory_shared_bytes":   "Resident shared memory.",
	"process_virtual_memory_bytes":           "Virtual memory size.",
	"process_virtual_memory_peak_bytes":      "Peak virtual memory size.",
	"process_start_time_seconds":             "Start time of the process, in seconds since the epoch.",
	"process_io_read_bytes_total":            "Bytes read by the process, including from the page cache.",
	"process_io_written_bytes_total":         "Bytes written by the process, including to the page cache.",
	"process_io_read_syscalls_total":         "Read system calls made by the process.",
	"process_io_write_syscalls_total":        "Write system calls made by the process.",
	"process_io_storage_read_bytes_total":    "Bytes the process read from storage.",
	"process_io_storage_written_bytes_total": "Bytes the process wrote to storage.",
	"process_open_fds":                       "Number of open file descriptors.",
	"process_max_fds":                        "Maximum number of open file descriptors.",

	"process_pressure_cpu_waiting_seconds_total":    "Time some of the cgroup's tasks waited for a CPU (PSI).",
	"process_pressure_cpu_stalled_seconds_total":    "Time all of the cgroup's tasks waited for a CPU (PSI).",
	"process_pressure_io_waiting_seconds_total":     "Time some of the cgroup's tasks waited for I/O (PSI).",
	"process_pressure_io_stalled_seconds_total":     "Time all of the cgroup's tasks waited for I/O (PSI).",
	"process_pressure_memory_waiting_seconds_total": "Time some of the cgroup's tasks waited for memory (PSI).",
	"process_pressure_memory_stalled_seconds_total": "Time all of the cgroup's tasks waited for memory (PSI).",
	"process_cgroup_cpu_throttled_seconds_total":    "Time the cgroup was throttled by its CPU quota.",
}

// metricRetype corrects families the library declares with the wrong
// type: these are cumulative counts, exposed as gauges.
var metricRetype = map[string]string{
	"process_io_read_bytes_total":            "counter",
	"process_io_written_bytes_total":         "counter",
	"process_io_read_syscalls_total":         "counter",
	"process_io_write_syscalls_total":        "counter",
	"process_io_storage_read_bytes_total":    "counter",
	"process_io_storage_written_bytes_total": "counter",
}

// metricDrop are families left out: named against the conventions (a
// counter without _total, a gauge ending in _count) and of no use here.
var metricDrop = map[string]bool{
	"go_cgo_calls_count": true, // no cgo in the binary
	"go_gc_forced_count": true,
	"go_cpu_count":       true, // go_gomaxprocs says what counts
}

var exposeOnce sync.Once

// WriteMetrics writes every metric in the Prometheus text format, each
// family with its HELP and TYPE lines, as `promtool check metrics` wants.
func WriteMetrics(w io.Writer) {
	exposeOnce.Do(func() { metrics.ExposeMetadata(true) })
	var buf bytes.Buffer
	metrics.WritePrometheus(&buf, true)
	out := bufio.NewWriter(w)
	defer out.Flush()
	drop := false
	for line := range strings.Lines(buf.String()) {
		switch {
		case strings.HasPrefix(line, "# HELP "):
			fam := strings.TrimSpace(strings.TrimPrefix(line, "# HELP "))
			if fam, _, _ = strings.Cut(fam, " "); metricDrop[fam] {
				drop = true
				continue
			}
			drop = false
			help, ok := metricHelp[fam]
			if !ok {
				help = strings.ReplaceAll(fam, "_", " ") + "."
			}
			out.WriteString("# HELP " + fam + " " + help + "\n")
		case drop:
		case strings.HasPrefix(line, "# TYPE "):
			f := strings.Fields(line)
			if len(f) == 4 && metricRetype[f[2]] != "" {
				line = "# TYPE " + f[2] + " " + metricRetype[f[2]] + "\n"
			}
			out.WriteString(line)
		default:
			out.WriteString(line)
		}
	}
}
