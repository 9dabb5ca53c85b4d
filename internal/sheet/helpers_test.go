package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// open opens data as the named file with lim.
func open(t testing.TB, name string, data []byte, lim Limits) (*Reader, error) {
	t.Helper()
	return Open(name, bytes.NewReader(data), int64(len(data)), lim)
}

// mustOpen opens data or fails the test.
func mustOpen(t testing.TB, name string, data []byte, lim Limits) *Reader {
	t.Helper()
	r, err := open(t, name, data, lim)
	if err != nil {
		t.Fatalf("Open(%s): %v", name, err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// readAll reads every row, failing on any error but io.EOF.
func readAll(t testing.TB, r *Reader) []Row {
	t.Helper()
	var rows []Row
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return rows
		}
		if err != nil {
			t.Fatalf("Next after %d rows: %v", len(rows), err)
		}
		rows = append(rows, row)
	}
}

// values returns the cell values of a row.
func values(row Row) []string {
	v := make([]string, len(row.Cells))
	for i, c := range row.Cells {
		v[i] = c.Value
	}
	return v
}

type part struct{ name, body string }

// zipParts builds a zip of deflated parts.
func zipParts(t testing.TB, parts ...part) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p.body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// book is a hand-written workbook, for what excelize would not write.
type book struct {
	sheetData string   // inner XML of <sheetData>
	dimension string   // ref of <dimension>, if any
	strings   []string // inner XML of each shared <si>
	styles    string   // inner XML of <styleSheet>, if any
	date1904  bool
}

const (
	nsMain = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	nsRel  = `http://schemas.openxmlformats.org/officeDocument/2006/relationships`
)

func (b book) parts() []part {
	wbPr := ""
	if b.date1904 {
		wbPr = `<workbookPr date1904="1"/>`
	}
	rels := `<Relationship Id="rId1" Type="` + nsRel + `/worksheet" Target="worksheets/sheet1.xml"/>`
	ps := []part{
		{"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
		{"xl/workbook.xml", `<?xml version="1.0"?><workbook ` + nsMain + ` xmlns:r="` + nsRel + `">` + wbPr +
			`<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`},
	}
	if b.strings != nil {
		rels += `<Relationship Id="rId2" Type="` + nsRel + `/sharedStrings" Target="sharedStrings.xml"/>`
		ps = append(ps, part{"xl/sharedStrings.xml", `<sst ` + nsMain + `><si>` + strings.Join(b.strings, `</si><si>`) + `</si></sst>`})
	}
	if b.styles != "" {
		rels += `<Relationship Id="rId3" Type="` + nsRel + `/styles" Target="styles.xml"/>`
		ps = append(ps, part{"xl/styles.xml", `<styleSheet ` + nsMain + `>` + b.styles + `</styleSheet>`})
	}
	dim := ""
	if b.dimension != "" {
		dim = `<dimension ref="` + b.dimension + `"/>`
	}
	ps = append(ps,
		part{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels + `</Relationships>`},
		part{"xl/worksheets/sheet1.xml", `<worksheet ` + nsMain + `>` + dim + `<sheetData>` + b.sheetData + `</sheetData></worksheet>`})
	return ps
}

func (b book) bytes(t testing.TB) []byte { return zipParts(t, b.parts()...) }

// inlineRow writes a row of inline string cells from column A.
func inlineRow(no int, vals ...string) string {
	var s strings.Builder
	fmt.Fprintf(&s, `<row r="%d">`, no)
	for i, v := range vals {
		fmt.Fprintf(&s, `<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>`, string(rune('A'+i)), no, v)
	}
	s.WriteString(`</row>`)
	return s.String()
}

// randomText returns n pseudo-random letters: it compresses about 2:1,
// unlike repeated bytes, so it does not trip the ratio check.
func randomText(n int) string {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = 'a' + byte(x%26)
	}
	return string(b)
}

// errIs fails unless err wraps want.
func errIs(t testing.TB, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
}
