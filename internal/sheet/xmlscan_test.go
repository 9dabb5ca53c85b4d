package sheet

import (
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestXMLSpellings reads a sheet that uses what XML allows and writers
// do: attributes in any order and quote, self-closing elements, entities
// and character references, CRLF, CDATA, comments and processing
// instructions anywhere, rich text with phonetic runs, extensions, and a
// tag longer than the scanner's buffer.
func TestXMLSpellings(t *testing.T) {
	longSpans := strings.Repeat("1:2 ", 30000) // 120 KB: copied out of the buffer
	b := book{
		strings: []string{
			// Excel keeps the pinyin of 张三 in phonetic runs after the text.
			`<t>张三</t><rPh sb="0" eb="1"><t>zhāng</t></rPh><rPh sb="1" eb="2"><t>sān</t></rPh><phoneticPr fontId="1" type="noConversion"/>`,
			`<r><rPr><b/><sz val="11"/></rPr><t xml:space="preserve"> 共青团 </t></r><r><t>员</t></r>`,
			`<t/>`,
		},
		styles: `<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>`,
		sheetData: "\r\n  " + inlineRow(1, "a", "b", "c", "d", "e", "f", "g") + "\r\n" +
			`<row r='2' spans="` + longSpans + `" x14ac:dyDescent="0.25" xmlns:x14ac="urn:x14ac">` +
			`<c t='s' s="0" r='A2'><v>0</v></c>` +
			`<!-- a comment --><c s = '1'  r = "B2"><?pi ?><v><![CDATA[45292]]></v></c>` +
			"<c\n\tr=\"C2\"\tt=\"inlineStr\"><is><t>x&lt;y&amp;&quot;&apos;&gt;&#x4E2D;&#20013;\r\nz\r</t>" +
			`<rPh sb="0" eb="1"><t>zhōng</t></rPh><phoneticPr fontId="1"/></is></c>` +
			`<c r="D2" t="str"><f t="shared" ref="D2:D9" si="0"/><v>&#13;<![CDATA[<&>]]></v></c>` +
			`<c r="E2" t="s"><v> 1 </v><extLst><ext uri="{x}" xmlns:x14="urn:x14"><x14:id>{7}</x14:id></ext></extLst></c>` +
			`<c r="F2" t="s"><v>2</v></c><c r="G2"/></row>` +
			`<row r="3"/><row r="4"><c r="A4" t="e"><v>#DIV/0!</v></c><c r="B4" t="b"><v>1</v></c></row>`,
	}
	rows := readAll(t, mustOpen(t, "b.xlsx", b.bytes(t), Limits{}))
	if len(rows) != 2 || rows[0].No != 2 || rows[1].No != 4 {
		t.Fatalf("rows = %+v", rows)
	}
	want := []string{"张三", "2024-01-01", "x<y&\"'>中中\nz\n", "\r<&>", " 共青团 员", "", ""}
	if got := values(rows[0]); !slices.Equal(got, want) {
		t.Errorf("row 2 = %q, want %q", got, want)
	}
	if !rows[0].Cells[3].Formula || rows[0].Cells[2].Formula {
		t.Error("formula flags wrong")
	}
	if got := values(rows[1]); !slices.Equal(got, []string{"#DIV/0!", "TRUE", "", "", "", "", ""}) {
		t.Errorf("row 4 = %q", got)
	}
}

// TestXMLRefused: what is not well-formed XML, or declares anything, is
// ErrCorrupt wherever it is.
func TestXMLRefused(t *testing.T) {
	cell := func(v string) string { return `<row r="1"><c r="A1" t="inlineStr"><is><t>` + v + `</t></is></c></row>` }
	for name, sheet := range map[string]string{
		"UndefinedEntity":    cell("&nbsp;"),
		"EntityNoSemicolon":  cell("&amp"),
		"LongReference":      cell("&#00000000000000065;"),
		"NulReference":       cell("&#0;"),
		"RuneOutOfRange":     cell("&#x110000;"),
		"ControlCharacter":   cell("a\x01b"),
		"InvalidUTF8":        cell("a\xff"),
		"NonCharacter":       cell("\uFFFE"),
		"CDATAEndInText":     cell("a]]>b"),
		"MismatchedEnd":      `<row r="1"><c r="A1"><v>1</c></v></row>`,
		"StrayEnd":           `<row r="1"></row></c>`,
		"Unclosed":           `<row r="1"><c r="A1"><v>1</v>`,
		"UnquotedAttr":       `<row r=1></row>`,
		"AttrWithoutValue":   `<row hidden></row>`,
		"LessThanInAttr":     `<row r="<1"></row>`,
		"TwoColons":          `<a:b:c></a:b:c>`,
		"NameStartsDigit":    `<1a></1a>`,
		"SlashNotClosing":    `<row / ></row>`,
		"EndTagWithAttr":     `<row></row x="1">`,
		"DashesInComment":    `<!-- a -- b -->`,
		"UnclosedComment":    `<!-- a`,
		"UnclosedCDATA":      `<row><c><v><![CDATA[1`,
		"Doctype":            `<!DOCTYPE x>`,
		"Entity":             `<!ENTITY e "x">`,
		"PIWithoutTarget":    `<? x?>`,
		"UnclosedPI":         `<?x `,
		"TagOverMarkupLimit": `<row x="` + randomText(maxMarkupBytes) + `"></row>`,
	} {
		t.Run(name, func(t *testing.T) {
			r, err := open(t, "b.xlsx", book{sheetData: inlineRow(1, "h") + sheet}.bytes(t), Limits{})
			if err == nil {
				defer r.Close()
				for err == nil {
					_, err = r.Next()
				}
			}
			errIs(t, err, ErrCorrupt)
		})
	}
	for name, decl := range map[string]string{
		"UTF16":   `<?xml version="1.0" encoding="UTF-16"?>`,
		"XML11":   `<?xml version="1.1"?>`,
		"Doctype": `<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>`,
	} {
		t.Run("Declaration"+name, func(t *testing.T) {
			ps := book{sheetData: inlineRow(1, "h")}.parts()
			ps[len(ps)-1].body = decl + ps[len(ps)-1].body
			_, err := open(t, "b.xlsx", zipParts(t, ps...), Limits{})
			errIs(t, err, ErrCorrupt)
		})
	}
}

// TestXMLPrefixed reads parts whose SpreadsheetML elements carry a
// namespace prefix, as some .NET and Java libraries write them.
func TestXMLPrefixed(t *testing.T) {
	ps := book{strings: []string{"<t>s</t>"}}.parts()
	for i, p := range ps {
		switch p.name {
		case "xl/sharedStrings.xml":
			ps[i].body = `<?xml version="1.0" encoding="utf-8"?><x:sst xmlns:x="urn:main"><x:si><x:t>共青团</x:t></x:si></x:sst>`
		case "xl/worksheets/sheet1.xml":
			ps[i].body = `<x:worksheet xmlns:x="urn:main"><x:sheetData><x:row x:r="1"><x:c x:r="B1" x:t="s"><x:v>0</x:v></x:c></x:row>` +
				`<x:row><x:c><x:v>7</x:v></x:c></x:row></x:sheetData></x:worksheet>`
		}
	}
	r := mustOpen(t, "b.xlsx", zipParts(t, ps...), Limits{})
	rows := readAll(t, r)
	if !slices.Equal(r.Header(), []string{"", "共青团"}) || len(rows) != 1 || rows[0].No != 2 || rows[0].Cells[0].Value != "7" {
		t.Fatalf("header %q, rows %+v", r.Header(), rows)
	}
}

// TestHugeCellSpellings: a cell of 6 MB is never held, whether its text
// comes as CDATA or as references the scanner must decode.
func TestHugeCellSpellings(t *testing.T) {
	text := randomText(6 << 20)
	refs := strings.NewReplacer("a", "&amp;", "b", "&#x4E2D;", "c", "\r\n").Replace(text)
	for name, v := range map[string]string{
		"CDATA":      `<![CDATA[` + text + `]]>`,
		"References": refs,
	} {
		t.Run(name, func(t *testing.T) {
			row := `<row r="2"><c r="A2" t="inlineStr"><is><t>` + v + `</t></is></c><c r="B2"><v>1</v></c></row>`
			data := book{sheetData: inlineRow(1, "h1", "h2") + row}.bytes(t)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			rows := readAll(t, mustOpen(t, "b.xlsx", data, Limits{}))
			runtime.ReadMemStats(&after)
			if len(rows) != 1 || !rows[0].Cells[0].TooLong || rows[0].Cells[0].Value != "" || rows[0].Cells[1].Value != "1" {
				t.Fatalf("rows = %+v", rows)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
				t.Errorf("reading allocated %d bytes", alloc)
			}
		})
	}
}
