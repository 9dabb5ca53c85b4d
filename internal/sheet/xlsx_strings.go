package sheet

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
)

// sharedStrings is the shared string table held as one string plus end
// offsets, so that a lookup allocates nothing and the table costs its text
// plus 8 bytes a string. Strings longer than MaxCellBytes are stored empty
// and flagged in long.
type sharedStrings struct {
	all  string
	ends []int
	long []uint64 // bit set by index
}

func (s *sharedStrings) get(i int) (string, bool, bool) {
	if i < 0 || i >= len(s.ends) {
		return "", false, false
	}
	start := 0
	if i > 0 {
		start = s.ends[i-1]
	}
	long := i/64 < len(s.long) && s.long[i/64]&(1<<(i%64)) != 0
	return s.all[start:s.ends[i]], long, true
}

// readSharedStrings loads xl/sharedStrings.xml. Each <si> is the text of
// its <t> elements, directly or in rich text runs <r>, without phonetic
// runs <rPh>.
func readSharedStrings(a *archive, part string, lim Limits) (*sharedStrings, error) {
	rc, err := a.open(part)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	d := newXMLDecoder(rc, lim.MaxCellBytes)
	var b strings.Builder
	s := &sharedStrings{}
	acc := textAcc{max: lim.MaxCellBytes}
	inSI, inT, rph := false, false, 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, xmlErr(part, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI, rph = true, 0
				acc.reset()
			case "rPh":
				rph++
			case "t":
				inT = inSI && rph == 0
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				if !inSI {
					continue
				}
				inSI = false
				v, long := acc.value()
				if long {
					i := len(s.ends)
					for len(s.long) <= i/64 {
						s.long = append(s.long, 0)
					}
					s.long[i/64] |= 1 << (i % 64)
				}
				b.WriteString(v)
				s.ends = append(s.ends, b.Len())
			case "rPh":
				rph--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				acc.add(t)
			}
		}
	}
	s.all = b.String()
	return s, nil
}

// textAcc accumulates a cell's text up to max bytes; past that it keeps
// nothing and reports the text as too long.
type textAcc struct {
	buf  []byte
	max  int
	long bool
}

func (t *textAcc) reset() { t.buf, t.long = t.buf[:0], false }

func (t *textAcc) add(p []byte) {
	if t.long {
		return
	}
	if len(t.buf)+len(p) > t.max {
		t.buf, t.long = t.buf[:0], true
		return
	}
	t.buf = append(t.buf, p...)
}

// value returns the text with _xHHHH_ escapes decoded, or "" and true when
// it was too long.
func (t *textAcc) value() (string, bool) {
	if t.long {
		return "", true
	}
	return unescapeX(t.buf), false
}

// unescapeX decodes the ST_Xstring escapes _xHHHH_ that spreadsheet writers
// use for characters XML cannot carry (control characters), and the
// escaped underscore _x005F_. The result is never longer than p.
func unescapeX(p []byte) string {
	if !bytes.Contains(p, []byte("_x")) {
		return string(p)
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '_' && i+6 < len(p) && p[i+1] == 'x' && p[i+6] == '_' {
			if r, ok := hex4(p[i+2 : i+6]); ok {
				b.WriteRune(r)
				i += 6
				continue
			}
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

func hex4(p []byte) (rune, bool) {
	var r rune
	for _, c := range p {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	// Surrogate halves would become U+FFFD (3 bytes from 7): still shorter.
	return r, true
}
