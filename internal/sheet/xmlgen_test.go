package sheet

import (
	"strconv"
	"strings"
)

// xmlGen writes well-formed worksheet and shared string parts, chosen by
// fuzz bytes, with what writers put in them (Excel, excelize, LibreOffice,
// WPS, .NET libraries) in the spellings XML allows: attributes in any
// order and either quote, self-closing elements, namespace prefixes,
// whitespace, comments, processing instructions, CDATA, references,
// rich text, phonetic runs, extensions; and values that are valid, odd
// or wrong (bad references, out-of-range shared string indexes).
type xmlGen struct {
	in     []byte
	b      strings.Builder
	prefix string // on every SpreadsheetML element: "" or "x:"
}

// pick returns a number below n taken from the input, 0 once it is used up,
// so that every loop ends.
func (g *xmlGen) pick(n int) int {
	if len(g.in) == 0 {
		return 0
	}
	c := g.in[0]
	g.in = g.in[1:]
	return int(c) % n
}

func (g *xmlGen) oneOf(s ...string) string { return s[g.pick(len(s))] }

// rare returns usual, or now and then one of the wrong values, which
// end the reading of a sheet.
func (g *xmlGen) rare(usual string, wrong ...string) string {
	if g.pick(32) == 0 {
		return g.oneOf(wrong...)
	}
	return usual
}

func (g *xmlGen) w(s ...string) {
	for _, x := range s {
		g.b.WriteString(x)
	}
}

// gap writes what may stand between two tags.
func (g *xmlGen) gap() {
	g.w(g.oneOf("", "", "", "", " ", "\n  ", "\r\n\t", "<!-- note -->", "<?mso-application progid?>"))
}

// attrs writes the attributes in an order and quoting the input chooses;
// an empty value means the attribute is left out.
func (g *xmlGen) attrs(kv ...string) {
	type attr struct{ k, v string }
	var as []attr
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] != "" {
			as = append(as, attr{kv[i], kv[i+1]})
		}
	}
	for i := len(as) - 1; i > 0; i-- {
		j := g.pick(i + 1)
		as[i], as[j] = as[j], as[i]
	}
	for _, a := range as {
		q := g.oneOf(`"`, `'`)
		v := a.v
		if v == "\x00" {
			v = "" // an attribute present and empty
		}
		v = strings.ReplaceAll(v, q, map[string]string{`"`: "&quot;", `'`: "&apos;"}[q])
		g.w(g.oneOf(" ", " ", "\n\t"), a.k, g.oneOf("=", "=", " = "), q, v, q)
	}
}

// genText is the text a value or run is made of.
var genText = []string{
	"a", "Z9", "中文", "张三", "😀", " ", "  ", "\n", "\r\n", "\r", "\t",
	"&lt;", "&gt;", "&amp;", "&quot;", "&apos;", "&#x4E2D;", "&#20013;", "&#13;", "&#9;", "&#xD800;",
	"<![CDATA[<b>&amp;\r\n]]>", "<![CDATA[]]>", "<!-- c -->", "<?pi x?>",
	"_x000D_", "_x005F_x0041_", "_x4E2D_", "_x00",
	"0", "1", "2", "7", "45292", "45292.5", "-3", "1.5E+3", "3.10115199003071E+17",
	"TRUE", "#N/A", "2024-02-29T00:00:00", "]", "]]", "'", `"`, strings.Repeat("长", 7),
}

func (g *xmlGen) text() {
	for range g.pick(4) {
		g.w(genText[g.pick(len(genText))])
	}
}

// el writes a SpreadsheetML element with the text or children that body
// writes; with a nil body, or if the input chooses, it is self-closing
// (body is then not called).
func (g *xmlGen) el(name string, body func(), kv ...string) {
	name = g.prefix + name
	g.w("<", name)
	g.attrs(kv...)
	if body == nil || g.pick(6) == 0 {
		g.w(g.oneOf("/>", " />"))
		return
	}
	g.w(">")
	body()
	g.w("</", name, g.oneOf(">", " >"), "")
}

// runs writes the content of <si> or <is>: plain or rich text with
// phonetic runs as Excel saves pinyin or furigana.
func (g *xmlGen) runs() {
	for range g.pick(4) + 1 {
		g.gap()
		switch g.pick(5) {
		case 0, 1:
			g.el("t", g.text, "xml:space", g.oneOf("", "preserve"))
		case 2:
			g.el("r", func() {
				g.el("rPr", func() { g.el("b", nil); g.el("sz", nil, "val", "11") })
				g.el("t", g.text, "xml:space", g.oneOf("", "preserve"))
			})
		case 3:
			g.el("rPh", func() { g.el("t", g.text) }, "sb", "0", "eb", "1")
		case 4:
			g.el("phoneticPr", nil, "fontId", "1", "type", g.oneOf("", "noConversion"))
		}
	}
}

func (g *xmlGen) cell(row, col int) {
	ref := colName(col) + strconv.Itoa(row)
	kv := []string{
		"r", g.rare(g.oneOf(ref, ref, ref, "", colName(col+1)+strconv.Itoa(row), strings.ToLower(ref), "A+1"), "A0", "1A", "XFE1"),
		"t", g.oneOf("", "", "s", "n", "b", "d", "e", "str", "inlineStr", "inlineStr", "x", "\x00", "&#115;"),
		"s", g.oneOf("", "", "0", "1", "2", "3", "x", "-1", "99", "\x00"),
		"cm", g.oneOf("", "1"),
	}
	g.el("c", func() {
		for range g.pick(4) {
			g.gap()
			switch g.pick(6) {
			case 0:
				g.el("f", g.text, "t", g.oneOf("", "shared"), "si", g.oneOf("", "0"))
			case 1, 2:
				g.el("v", g.text)
			case 3:
				g.el("is", g.runs)
			case 4:
				g.w(`<extLst><ext uri="{0}" xmlns:x14="urn:x14"><x14:v>`)
				g.text()
				g.w(`</x14:v></ext></extLst>`)
			case 5:
				g.text()
			}
		}
	}, kv...)
}

// sheet returns a worksheet part.
func (g *xmlGen) sheet() []byte {
	g.b.Reset()
	g.prefix = g.oneOf("", "", "x:")
	g.w(g.oneOf("", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\r\n"))
	ns := ` xmlns="urn:main"`
	if g.prefix != "" {
		ns = ` xmlns:x="urn:main"`
	}
	g.w("<", g.prefix, "worksheet", ns, ` xmlns:x14ac="urn:x14ac">`)
	if g.pick(2) == 0 {
		g.el("dimension", nil, "ref", g.oneOf("A1:C3", "A1", "A1:A99", "B2:A1"))
	}
	g.el("sheetData", func() {
		no := 0
		for range g.pick(6) {
			g.gap()
			no += 1 + g.pick(3)
			r := strconv.Itoa(no)
			g.el("row", func() {
				for col := 1; g.pick(4) != 0; col += 1 + g.pick(3) {
					g.gap()
					g.cell(no, col)
				}
			}, "r", g.rare(g.oneOf(r, r, r, "", "+3", "007"), "0", "-1", "x"), "spans", g.oneOf("", "1:3"), "x14ac:dyDescent", g.oneOf("", "0.25"))
		}
		g.gap()
	})
	g.gap()
	g.w(g.oneOf("", `<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>`))
	g.w("</", g.prefix, "worksheet>")
	return []byte(g.b.String())
}

// sharedStrings returns a shared string part.
func (g *xmlGen) sharedStrings() []byte {
	g.b.Reset()
	g.prefix = g.oneOf("", "", "x:")
	ns := ` xmlns="urn:main"`
	if g.prefix != "" {
		ns = ` xmlns:x="urn:main"`
	}
	g.w("<", g.prefix, "sst", ns, ` count="9">`)
	for range g.pick(6) {
		g.gap()
		g.el("si", g.runs)
	}
	g.w("</", g.prefix, "sst>")
	return []byte(g.b.String())
}

func colName(col int) string {
	s := ""
	for ; col > 0; col = (col - 1) / 26 {
		s = string(rune('A'+(col-1)%26)) + s
	}
	return s
}
