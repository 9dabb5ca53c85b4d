package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// excelizeBook writes a workbook with excelize's ordinary API (shared
// strings, styles, a formula), then swaps the placeholder shared string
// "BIGCELL" for big, which excelize itself would cut at 32767 characters.
func excelizeBook(t testing.TB, big string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const s = "Sheet1"
	ymd := `yyyy"年"m"月"d"日"`
	dateCN, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &ymd})
	date14, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	hms := "h:mm:ss"
	timeOnly, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &hms})
	set := func(cell string, v any) {
		if err := f.SetCellValue(s, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	for i, h := range []string{" 姓名 ", "身份证号", "出生日期", "备注", "数量", "入团日期", "时间"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		set(cell, h)
	}
	// Row 2: column D skipped.
	set("A2", "王五")
	set("B2", "110101199003071234")
	set("C2", time.Date(1990, 3, 7, 0, 0, 0, 0, time.UTC))
	f.SetCellStyle(s, "C2", "C2", dateCN)
	set("E2", 5)
	set("F2", 45292.0) // 2024-01-01
	f.SetCellStyle(s, "F2", "F2", date14)
	set("G2", 0.75)
	f.SetCellStyle(s, "G2", "G2", timeOnly)
	// Row 3: a formula and the big cell.
	set("A3", "赵六")
	if err := f.SetCellFormula(s, "B3", "=A2&A3"); err != nil {
		t.Fatal(err)
	}
	set("D3", "BIGCELL")
	set("E3", 3.5)
	// Row 4 empty, row 5 has data again.
	set("A5", "王五") // shared string reused
	set("E5", true)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return replacePart(t, buf.Bytes(), "xl/sharedStrings.xml", func(b []byte) []byte {
		return bytes.Replace(b, []byte("BIGCELL"), []byte(big), 1)
	})
}

// replacePart rewrites one part of a zip.
func replacePart(t testing.TB, data []byte, name string, fn func([]byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var parts []part
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == name {
			b = fn(b)
		}
		parts = append(parts, part{f.Name, string(b)})
	}
	return zipParts(t, parts...)
}

func TestExcelizeBook(t *testing.T) {
	data := excelizeBook(t, randomText(10<<20))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := mustOpen(t, "名册.XLSX", data, Limits{})
	rows := readAll(t, r)
	runtime.ReadMemStats(&after)

	if want := []string{"姓名", "身份证号", "出生日期", "备注", "数量", "入团日期", "时间"}; !slices.Equal(r.Header(), want) {
		t.Fatalf("header = %q, want %q", r.Header(), want)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3: %+v", len(rows), rows)
	}
	if got, want := values(rows[0]), []string{"王五", "110101199003071234", "1990-03-07", "", "5", "2024-01-01", "0.75"}; !slices.Equal(got, want) {
		t.Errorf("row 2 = %q, want %q", got, want)
	}
	b3 := rows[1].Cells[1]
	if rows[1].No != 3 || !b3.Formula || b3.TooLong {
		t.Errorf("row 3 formula cell = %+v", b3)
	}
	d3 := rows[1].Cells[3]
	if !d3.TooLong || d3.Value != "" || d3.Formula {
		t.Errorf("big cell = TooLong %v, %d bytes", d3.TooLong, len(d3.Value))
	}
	if rows[1].Cells[4].Value != "3.5" || rows[1].Cells[0].Formula {
		t.Errorf("row 3 = %+v", rows[1].Cells)
	}
	if rows[2].No != 5 || rows[2].Cells[0].Value != "王五" || rows[2].Cells[4].Value != "TRUE" {
		t.Errorf("row 5 = %d %q", rows[2].No, values(rows[2]))
	}
	// The 10 MB string must never be held: not in the cell, not in the
	// shared string table, not in encoding/xml's buffer.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("reading allocated %d bytes", alloc)
	}
}

func TestHandWrittenBook(t *testing.T) {
	styles := `<numFmts count="2"><numFmt numFmtId="164" formatCode="[$-804]yyyy/m/d;@"/>` +
		`<numFmt numFmtId="165" formatCode="0.00E+00"/></numFmts>` +
		`<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>` +
		`<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="49"/></cellXfs>`
	b := book{
		strings: []string{
			`<t>普通</t>`,
			`<r><t>富</t></r><r><rPr><b/></rPr><t xml:space="preserve">文本 </t></r><rPh sb="0" eb="1"><t>フ</t></rPh>`,
			`<t>a_x000D__x000A_b _x005F_x0041_</t>`,
			`<t>` + strings.Repeat("长", 2000) + `</t>`, // 6000 bytes > 4096
		},
		styles:   styles,
		date1904: true,
		sheetData: inlineRow(1, "a", "b", "c", "d", "e", "f", "g", "h") +
			`<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c><c r="C2" t="s"><v>2</v></c>` +
			`<c r="D2" t="s"><v>3</v></c><c r="E2" s="1"><v>0</v></c><c r="F2" s="1"><v>43831.5</v></c>` +
			`<c r="G2" s="2"><v>3.10115199003071E+17</v></c><c r="H2" s="3"><v>1.5</v></c></row>` +
			`<row r="4"><c t="str"><f>A1</f><v>x</v></c><c t="b"><v>0</v></c><c t="e"><v>#N/A</v></c>` +
			`<c r="E4" t="inlineStr"><is><t>&lt;&amp;&#x4E2D;</t></is></c>` +
			`<c r="F4" t="d" s="1"><v>2024-02-29T00:00:00</v></c><c r="G4"><v>5</v></c>` +
			`<c r="Z4" t="inlineStr"><is><t>right of the header</t></is></c></row>` +
			`<row r="6"><c r="Z6" t="inlineStr"><is><t>only beyond the header</t></is></c></row>` +
			`<row r="7"><c r="A7"><f>""</f><v></v></c></row>`,
	}
	r := mustOpen(t, "b.xlsx", b.bytes(t), Limits{})
	rows := readAll(t, r)
	if len(rows) != 2 {
		t.Fatalf("rows = %+v", rows)
	}
	// 1904 system: serial 0 is not a date (below one day), 43831 is 2024-01-02.
	want := []string{"普通", "富文本 ", "a\r\nb _x0041_", "", "0", "2024-01-02", "3.10115199003071E+17", "1.5"}
	if got := values(rows[0]); !slices.Equal(got, want) {
		t.Errorf("row 2 = %q, want %q", got, want)
	}
	if !rows[0].Cells[3].TooLong {
		t.Error("long shared string not TooLong")
	}
	want = []string{"x", "FALSE", "#N/A", "", "<&中", "2024-02-29", "5", ""}
	if got := values(rows[1]); rows[1].No != 4 || !slices.Equal(got, want) {
		t.Errorf("row 4 = %d %q, want %q", rows[1].No, got, want)
	}
	if !rows[1].Cells[0].Formula || rows[1].Cells[1].Formula {
		t.Error("formula flags wrong")
	}
}

func TestFirstWorksheet(t *testing.T) {
	// The workbook lists a hidden sheet, then sheet2.xml, then sheet1.xml:
	// the first visible one is read, whatever its part name.
	ps := book{sheetData: inlineRow(1, "one")}.parts()
	ps = append(ps[:0:0], ps...)
	for i, p := range ps {
		switch p.name {
		case "xl/workbook.xml":
			ps[i].body = `<workbook ` + nsMain + ` xmlns:r="` + nsRel + `"><sheets>` +
				`<sheet name="H" sheetId="3" state="hidden" r:id="rId3"/><sheet name="B" sheetId="2" r:id="rId2"/>` +
				`<sheet name="A" sheetId="1" r:id="rId1"/></sheets></workbook>`
		case "xl/_rels/workbook.xml.rels":
			ps[i].body = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
				`<Relationship Id="rId1" Type="` + nsRel + `/worksheet" Target="worksheets/sheet1.xml"/>` +
				`<Relationship Id="rId2" Type="` + nsRel + `/worksheet" Target="/xl/worksheets/sheet2.xml"/>` +
				`<Relationship Id="rId3" Type="` + nsRel + `/worksheet" Target="worksheets/sheet3.xml"/></Relationships>`
		}
	}
	ps = append(ps,
		part{"xl/worksheets/sheet2.xml", `<worksheet ` + nsMain + `><sheetData>` + inlineRow(1, "two") + `</sheetData></worksheet>`},
		part{"xl/worksheets/sheet3.xml", `<worksheet ` + nsMain + `><sheetData>` + inlineRow(1, "three") + `</sheetData></worksheet>`})
	r := mustOpen(t, "b.xlsx", zipParts(t, ps...), Limits{})
	if h := r.Header(); !slices.Equal(h, []string{"two"}) {
		t.Fatalf("header = %q, want the first visible sheet's", h)
	}
}

func TestInlineHugeCell(t *testing.T) {
	b := book{sheetData: inlineRow(1, "h1", "h2") + inlineRow(2, randomText(10<<20), "ok") + inlineRow(3, "x", "y")}
	data := b.bytes(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rows := readAll(t, mustOpen(t, "b.xlsx", data, Limits{}))
	runtime.ReadMemStats(&after)
	if len(rows) != 2 || !rows[0].Cells[0].TooLong || rows[0].Cells[1].Value != "ok" || rows[1].Cells[1].Value != "y" {
		t.Fatalf("rows = %+v", rows)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("reading allocated %d bytes", alloc)
	}
}

// TestRepeatedColumn: a row may name the same cell again and again; the
// last one counts and the others are not kept.
func TestRepeatedColumn(t *testing.T) {
	var row strings.Builder
	row.WriteString(`<row r="2">`)
	for i := range 100_000 {
		fmt.Fprintf(&row, `<c r="A2" t="inlineStr"><is><t>%d %s</t></is></c>`, i, randomText(20))
	}
	row.WriteString(`<c r="A2"><v>last</v></c></row>`)
	data := book{sheetData: inlineRow(1, "h") + row.String()}.bytes(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rows := readAll(t, mustOpen(t, "b.xlsx", data, Limits{}))
	runtime.ReadMemStats(&after)
	if len(rows) != 1 || rows[0].Cells[0].Value != "last" {
		t.Fatalf("rows = %+v", rows)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("reading allocated %d bytes", alloc)
	}
}

func TestDateCodes(t *testing.T) {
	for code, want := range map[string]bool{
		"yyyy-mm-dd": true, `yyyy"年"m"月"d"日"`: true, "[$-F800]dddd, mmmm dd, yyyy": true, "mmm": true,
		"m/d/yy h:mm": true, "h:mm:ss": false, "[h]:mm": false, "mm:ss": false, "0.00E+00": false,
		"General": false, `0" days"`: false, `#,##0_);[Red](#,##0)`: false, "@": false, `0\d`: false,
	} {
		if got := isDateCode(code); got != want {
			t.Errorf("isDateCode(%q) = %v, want %v", code, got, want)
		}
	}
	for v, want := range map[string]string{"1": "1900-01-01", "59": "1900-02-28", "60": "1900-02-29", "61": "1900-03-01",
		"45292": "2024-01-01", "45292.99999999999": "2024-01-02", "45292.5": "2024-01-01", "0.5": "", "abc": ""} {
		got, _ := serialDate(v, false)
		if got != want {
			t.Errorf("serialDate(%s) = %q, want %q", v, got, want)
		}
	}
}
