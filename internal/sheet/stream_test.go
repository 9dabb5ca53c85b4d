package sheet

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"
)

const bigRows, bigCols = 100_000, 20

// writeBig writes an export-like sheet of rows × 20 columns with NewWriter.
func writeBig(w io.Writer, rows int) error {
	header := make([]string, bigCols)
	for i := range header {
		header[i] = "列" + strconv.Itoa(i+1)
	}
	sw, err := NewWriter(w, "名册", header, nil)
	if err != nil {
		return err
	}
	cells := make([]any, bigCols)
	day := time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC)
	for r := range rows {
		cells[0] = "姓名" + strconv.Itoa(r)
		cells[1] = strconv.Itoa(110101199000000000 + r)
		cells[2] = day.AddDate(0, 0, r%9000)
		cells[3] = r
		for c := 4; c < bigCols; c++ {
			cells[c] = "单位" + strconv.Itoa(r*c%7919)
		}
		if err := sw.Row(cells...); err != nil {
			return err
		}
	}
	return sw.Close()
}

// bigFile writes writeBig's sheet to a file in dir.
func bigFile(t testing.TB, dir string) string {
	t.Helper()
	name := filepath.Join(dir, "big.xlsx")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriter(f)
	if err := writeBig(bw, bigRows); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(bw.Flush(), f.Close()); err != nil {
		t.Fatal(err)
	}
	return name
}

// sharedStringsFile writes rows × 20 cells that are all distinct shared
// strings, the worst case for the string table, as Excel would save it.
func sharedStringsFile(t testing.TB, dir string, rows int) string {
	t.Helper()
	name := filepath.Join(dir, "sst.xlsx")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	for _, p := range (book{strings: []string{}}).parts() {
		w, _ := zw.Create(p.name)
		switch p.name {
		case "xl/sharedStrings.xml":
			bw := bufio.NewWriter(w)
			fmt.Fprintf(bw, `<sst %s>`, nsMain)
			for i := range rows * bigCols {
				fmt.Fprintf(bw, `<si><t>值%09d</t></si>`, i)
			}
			bw.WriteString(`</sst>`)
			bw.Flush()
		case "xl/worksheets/sheet1.xml":
			bw := bufio.NewWriter(w)
			fmt.Fprintf(bw, `<worksheet %s><sheetData>`, nsMain)
			for r := range rows {
				fmt.Fprintf(bw, `<row r="%d">`, r+1)
				for c := range bigCols {
					fmt.Fprintf(bw, `<c r="%s%d" t="s"><v>%d</v></c>`, string(rune('A'+c)), r+1, r*bigCols+c)
				}
				bw.WriteString(`</row>`)
			}
			bw.WriteString(`</sheetData></worksheet>`)
			bw.Flush()
		default:
			io.WriteString(w, p.body)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return name
}

// readFile reads every row of the named file and returns the row count,
// the peak HeapInuse sampled every 1000 rows (garbage included: what the
// process holds), and the live heap just after Open (a GC first).
func readFile(t testing.TB, name string, measure bool) (rows int, peak, live uint64) {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	var ms runtime.MemStats
	r, err := Open(name, f, st.Size(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if measure {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		live = ms.HeapAlloc
	}
	for {
		_, err := r.Next()
		if errors.Is(err, io.EOF) {
			return rows, peak, live
		}
		if err != nil {
			t.Fatal(err)
		}
		if rows++; measure && rows%1000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
}

func TestStreaming(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 100,000-row workbooks")
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name       string
		file       func() string
		rows       int
		live, peak uint64
	}{
		{"InlineStrings", func() string { return bigFile(t, dir) }, bigRows, 16 << 20, 96 << 20},
		// 2,000,000 distinct shared strings: the table (~50 MB) is live
		// for the whole read.
		{"SharedStrings", func() string { return sharedStringsFile(t, dir, bigRows) }, bigRows - 1, 80 << 20, 200 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := tc.file()
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			base := ms.HeapAlloc
			rows, peak, live := readFile(t, name, true)
			if rows != tc.rows {
				t.Fatalf("%d rows, want %d", rows, tc.rows)
			}
			st, _ := os.Stat(name)
			t.Logf("file %d MB: live after Open %d MB, peak heap in use %d MB (base %d MB)", st.Size()>>20, (live-min(live, base))>>20, peak>>20, base>>20)
			if live > base+tc.live || peak > base+tc.peak {
				t.Errorf("live %d MB, peak %d MB over base %d MB; bounds %d and %d MB", live>>20, peak>>20, base>>20, tc.live>>20, tc.peak>>20)
			}
		})
	}
}

func BenchmarkReadXLSX100k(b *testing.B) {
	name := bigFile(b, b.TempDir())
	cpu := cpuTime()
	for b.Loop() {
		if rows, _, _ := readFile(b, name, false); rows != bigRows {
			b.Fatalf("%d rows", rows)
		}
	}
	b.ReportMetric(float64(bigRows*b.N)/b.Elapsed().Seconds(), "rows/s")
	if cpu = cpuTime() - cpu; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkWrite100k(b *testing.B) {
	for b.Loop() {
		if err := writeBig(io.Discard, bigRows); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(bigRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
