package sheet

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

var sentinels = []error{ErrFileType, ErrTooLarge, ErrZipBomb, ErrTooManyRows, ErrNoHeader, ErrCorrupt}

func isSentinel(err error) bool {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// Fuzz inputs are read in one of three ways.
const (
	asCSV   = 0 // the bytes as a .csv
	asXLSX  = 1 // the bytes as an .xlsx
	asSheet = 2 // the bytes as the worksheet XML of an otherwise valid .xlsx
)

// fuzzStyles and fuzzStrings give asSheet inputs dates and shared strings
// to refer to.
var (
	fuzzStyles  = `<numFmts><numFmt numFmtId="164" formatCode="yyyy/m/d"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs>`
	fuzzStrings = []string{`<t>a</t>`, `<r><t>b</t></r><rPh><t>c</t></rPh>`, `<t>` + randomText(100) + `</t>`}
)

// FuzzOpen feeds arbitrary bytes to Open and Next: they must never panic,
// every error must wrap one of the sentinel errors, no cell may exceed
// MaxCellBytes and every row must match the header's width.
func FuzzOpen(f *testing.F) {
	var small bytes.Buffer
	w, _ := NewWriter(&small, "S", []string{"姓名", "身份证号", "日期"}, nil)
	w.Row("张三", "110101199003071234", 45292.0)
	w.Row("=1+1", nil, "x")
	w.Close()
	f.Add(small.Bytes(), uint8(asXLSX))
	f.Add(book{strings: fuzzStrings, styles: fuzzStyles, sheetData: inlineRow(1, "h", "i")}.bytes(f), uint8(asXLSX))
	f.Add([]byte(inlineRow(1, "h", "i")+`<row r="3"><c r="B3" t="s"><v>1</v></c><c s="1"><v>45292</v></c><c><f>A1</f><v>2</v></c></row>`), uint8(asSheet))
	f.Add([]byte(`<row><c t="inlineStr"><is><t>a&amp;&#x4E2D;_x000D_</t></is></c><c t="b"><v>1</v></c></row>`), uint8(asSheet))
	f.Add([]byte("\uFEFF姓名,备注\r\n张三,\"多\r\n行\"\"\"\r\n\r\n李四,=cmd\n"), uint8(asCSV))
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("姓名,民族\n张三,汉族\n"))
	f.Add(gbk, uint8(asCSV))
	lim := Limits{MaxFileBytes: 1 << 20, MaxUnzipped: 4 << 20, MaxCellBytes: 16, MaxRows: 50, MaxColumns: 8}
	f.Fuzz(func(t *testing.T, data []byte, kind uint8) {
		name := "f.xlsx"
		switch kind % 3 {
		case asCSV:
			name = "f.csv"
		case asSheet:
			b := book{strings: fuzzStrings, styles: fuzzStyles}
			ps := b.parts()
			ps[len(ps)-1].body = `<worksheet ` + nsMain + `><sheetData>` + string(data) + `</sheetData></worksheet>`
			data = zipParts(t, ps...)
		}
		r, err := open(t, name, data, lim)
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("Open: unclassified error %v", err)
			}
			return
		}
		defer r.Close()
		h := r.Header()
		if len(h) == 0 || len(h) > lim.MaxColumns {
			t.Fatalf("header of %d columns", len(h))
		}
		for _, c := range h {
			if len(c) > lim.MaxCellBytes {
				t.Fatalf("header cell of %d bytes", len(c))
			}
		}
		last := 0
		for range lim.MaxRows + 2 {
			row, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				if !isSentinel(err) {
					t.Fatalf("Next: unclassified error %v", err)
				}
				return
			}
			if len(row.Cells) != len(h) || row.No < 1 {
				t.Fatalf("row %d has %d cells for %d columns", row.No, len(row.Cells), len(h))
			}
			if name == "f.csv" && row.No <= last {
				t.Fatalf("row number %d after %d", row.No, last)
			}
			last = row.No
			for _, c := range row.Cells {
				if len(c.Value) > lim.MaxCellBytes || (c.TooLong && c.Value != "") {
					t.Fatalf("cell of %d bytes, TooLong %v", len(c.Value), c.TooLong)
				}
				if c.Formula && name == "f.csv" {
					t.Fatal("formula in a CSV")
				}
			}
		}
		t.Fatalf("more than MaxRows rows returned")
	})
}
