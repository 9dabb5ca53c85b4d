package sheet

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// longRef matches what may be a reference longer than the scanner
// accepts (maxEntityBytes), which encoding/xml reads.
var longRef = regexp.MustCompile(`&[^;<]{16}`)

// FuzzScanner holds xmlScanner to encoding/xml on arbitrary bytes: on
// every well-formed document (see refEvents) it reads the same tags,
// attributes and text, runs over 8 bytes reported as too long, without
// error; and as a worksheet or a shared string part the document gives
// the same rows and strings as the readers built on encoding/xml. On any
// input it ends, with nil or an ErrCorrupt error, and reads the same
// when the bytes come one at a time.
func FuzzScanner(f *testing.F) {
	for _, s := range []string{
		`<a x="1"><b>hello world</b><c/>text &amp; more &#x4E2D;&#20013;</a>`,
		`<a y='>' z=">'"><!-- a > b --><?pi x > y?><![CDATA[<x>]]]]></a>`,
		`<a><![CDATA[12345678]]><![CDATA[123456789]]]><![CDATA[]]]]]]>tail</a>`,
		`<?xml version="1.0"?><r><t xml:space="preserve"> 长长长长 </t></r>`,
		`<a>` + "\u4E2D\u4E2D\u4E2D\u4E2D" + `<b>x</b>&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;</a>`,
		"<a b=\"\r\n\t&#13;\">\r\r\n&#13;\n</a>",
		`<x:a xmlns:x="u" x:b="1"><x:c r:id="2"/></x:a>`,
		`<!DOCTYPE a [<!ENTITY e "boom">]><a>&e;</a>`,
		`<sheetData><row r="2"><c r="B2" t="inlineStr"><is><r><t>富</t></r><rPh sb="0" eb="1"><t>fu</t></rPh><phoneticPr fontId="1"/></is></c><c t="b"><v>1</v></c></row></sheetData>`,
		`<sst><si><t>中文</t><rPh sb="0" eb="2"><t>zhōngwén</t></rPh><phoneticPr fontId="1" type="noConversion"/></si><si/></sst>`,
	} {
		f.Add([]byte(s))
	}
	for i := range 8 {
		g := &xmlGen{in: bytes.Repeat([]byte{byte(i * 37), 3, 1, 4, 1, 5, 9, 2, 6}, 40)}
		f.Add(g.sheet())
	}
	const maxText = 8
	lim := Limits{MaxCellBytes: maxText}.withDefaults()
	f.Fuzz(func(t *testing.T, doc []byte) {
		got, err := scanEvents(bytes.NewReader(doc), maxText)
		if err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("error %v is not ErrCorrupt", err)
		}
		slow, slowErr := scanEvents(iotest.OneByteReader(bytes.NewReader(doc)), maxText)
		if err != nil && slowErr != nil {
			// Text before an error may have been passed on in part.
			got, slow = trimText(got), trimText(slow)
		}
		if !slices.Equal(got, slow) || (err == nil) != (slowErr == nil) {
			t.Fatalf("read a byte at a time: %q, %v\nat once: %q, %v", slow, slowErr, got, err)
		}
		want, ok := refEvents(doc, maxText)
		if !ok {
			return
		}
		if err != nil {
			t.Fatalf("error on a well-formed document: %v", err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("events\n%q\nwant\n%q", got, want)
		}
		sameSharedStrings(t, doc, lim)
		sameRows(t, doc, nil, lim)
	})
}

// FuzzSheetXML holds the worksheet and shared string readers to the
// readers built on encoding/xml, on parts that xmlGen writes from the
// fuzz input: the same strings, the same rows, cells and errors.
func FuzzSheetXML(f *testing.F) {
	f.Add([]byte("\x01\x02\x03"))
	f.Add(bytes.Repeat([]byte{7, 1, 3, 2, 5, 4, 1, 9, 3, 3}, 30))
	f.Add(bytes.Repeat([]byte{1, 200, 3, 17, 5, 4, 1, 90, 3, 33, 8}, 50))
	lim := Limits{MaxCellBytes: 16, MaxRows: 50, MaxUnzipped: 1 << 20}.withDefaults()
	f.Fuzz(func(t *testing.T, in []byte) {
		g := &xmlGen{in: in}
		sstDoc := g.sharedStrings()
		sheetDoc := g.sheet()
		for _, doc := range [][]byte{sstDoc, sheetDoc} {
			if _, ok := refEvents(doc, 0); !ok {
				t.Fatalf("xmlGen wrote a document encoding/xml refuses:\n%s", doc)
			}
		}
		sst := sameSharedStrings(t, sstDoc, lim)
		sameRows(t, sheetDoc, sst, lim)
	})
}

// sameSharedStrings checks loadSharedStrings against refSharedStrings and
// returns the table, or nil if both refused the part.
func sameSharedStrings(t *testing.T, doc []byte, lim Limits) *sharedStrings {
	t.Helper()
	sst, err := loadSharedStrings(bytes.NewReader(doc), "sst", lim)
	strs, long, refErr := refSharedStrings(doc, lim)
	if !sameError(err, refErr) {
		t.Fatalf("shared strings: error %v, want %v", err, refErr)
	}
	if err != nil {
		return nil
	}
	if len(sst.refs) != len(strs) {
		t.Fatalf("%d shared strings, want %d", len(sst.refs), len(strs))
	}
	for i := range strs {
		if s, l, _ := sst.get(i); s != strs[i] || l != long[i] {
			t.Fatalf("shared string %d = %q (long %v), want %q (long %v)", i, s, l, strs[i], long[i])
		}
	}
	return sst
}

// sameRows reads doc as a worksheet with xlsxSource and refSheet, three
// columns wide, and checks that they return the same.
func sameRows(t *testing.T, doc []byte, sst *sharedStrings, lim Limits) {
	t.Helper()
	dates := []bool{false, true, false, true}
	const width = 3
	var got, want []Row
	var gotBeyond, wantBeyond []bool
	date1904 := len(doc)%2 == 0
	x, err := startSheet(io.NopCloser(bytes.NewReader(doc)), "sheet", sst, dates, date1904, lim)
	r, refErr := refStartSheet(doc, sst, dates, date1904, lim)
	for err == nil && refErr == nil {
		no, cells, beyond, e1 := x.next(width)
		refNo, refCells, refBeyond, e2 := r.next(width)
		err, refErr = e1, e2
		if e1 == nil {
			got, gotBeyond = append(got, Row{no, cells}), append(gotBeyond, beyond)
		}
		if e2 == nil {
			want, wantBeyond = append(want, Row{refNo, refCells}), append(wantBeyond, refBeyond)
		}
	}
	if err == io.EOF || refErr == io.EOF {
		if err != refErr {
			t.Fatalf("rows end with %v, want %v", err, refErr)
		}
	} else if !sameError(err, refErr) {
		t.Fatalf("rows: error %v, want %v", err, refErr)
	}
	if !slices.EqualFunc(got, want, func(a, b Row) bool { return a.No == b.No && slices.Equal(a.Cells, b.Cells) }) ||
		!slices.Equal(gotBeyond, wantBeyond) {
		t.Fatalf("rows\n%+v %v\nwant\n%+v %v", got, gotBeyond, want, wantBeyond)
	}
}

// trimText drops the text event that events may end with.
func trimText(events []string) []string {
	if n := len(events); n > 0 && events[n-1][0] != '<' {
		return events[:n-1]
	}
	return events
}

// refEvents lists what encoding/xml reads in doc in the terms of
// scanEvents: start and end tags with their raw names and attributes, and
// the character data between two tags as one text, or "long" past
// maxText bytes. wellFormed reports whether doc is a document the scanner
// must read the same: encoding/xml reads it to the end with Token (which
// checks nesting), end tags repeat their start tags' raw names, and it
// has no directive (DOCTYPE) and no reference longer than the scanner
// allows.
func refEvents(doc []byte, maxText int) (events []string, wellFormed bool) {
	d := refDecoder(doc)
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			return nil, false
		}
	}
	if longRef.Match(doc) {
		return nil, false
	}
	d = refDecoder(doc)
	var text []byte
	var open []string
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return append(events, textEvent(text, maxText)...), true
		}
		if err != nil {
			return nil, false
		}
		switch t := tok.(type) {
		case xml.CharData:
			text = append(text, t...)
		case xml.Directive:
			return nil, false
		case xml.StartElement:
			events = append(append(events, textEvent(text, maxText)...), startEvent(rawName(t.Name), t.Attr))
			text = text[:0]
			open = append(open, rawName(t.Name))
		case xml.EndElement:
			events = append(append(events, textEvent(text, maxText)...), "</"+rawName(t.Name)+">")
			text = text[:0]
			if len(open) == 0 || open[len(open)-1] != rawName(t.Name) {
				return nil, false
			}
			open = open[:len(open)-1]
		}
	}
}

// scanEvents lists what the scanner reads in doc from r, as refEvents
// does, and the error it ends with.
func scanEvents(r io.Reader, maxText int) ([]string, error) {
	s := newXMLScanner(r, "doc")
	acc := textAcc{max: maxText}
	s.sink, s.collect = &acc, true
	var events []string
	for {
		ev, err := s.next()
		text := acc.buf
		if acc.long {
			text = make([]byte, maxText+1)
		}
		events = append(events, textEvent(text, maxText)...)
		acc.reset()
		switch {
		case err != nil:
			return events, err
		case ev == xmlEOF:
			return events, nil
		case ev == xmlEnd:
			events = append(events, "</"+string(s.qname())+">")
		default:
			attrs := make([]xml.Attr, len(s.attrs))
			for i := range s.attrs {
				a := &s.attrs[i]
				attrs[i] = xml.Attr{Name: xml.Name{Local: string(a.name.in(s.tag))}, Value: string(s.attrValue(a))}
			}
			events = append(events, startEvent(string(s.qname()), attrs))
		}
	}
}

func rawName(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

func startEvent(name string, attrs []xml.Attr) string {
	var b strings.Builder
	b.WriteString("<" + name)
	for _, a := range attrs {
		fmt.Fprintf(&b, " %s=%q", rawName(a.Name), a.Value)
	}
	return b.String() + ">"
}

func textEvent(text []byte, maxText int) []string {
	switch {
	case len(text) > maxText:
		return []string{"long"}
	case len(text) > 0:
		return []string{strconv.Quote(string(text))}
	}
	return nil
}

// sameError reports whether two errors are both nil or wrap the same
// sentinel error.
func sameError(a, b error) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	for _, s := range sentinels {
		if errors.Is(a, s) != errors.Is(b, s) {
			return false
		}
	}
	return true
}
