package sheet

import (
	"unicode"
	"unicode/utf8"
)

// Character data is decoded as encoding/xml decodes it, so that cells
// read the same: the five predefined entities and character references
// are expanded, "\r\n" and a lone '\r' become '\n' (but "&#13;" stays
// '\r'), invalid UTF-8 and characters outside the XML Char production
// (control characters, U+FFFE, U+FFFF) are errors, and so is "]]>"
// outside CDATA. A reference to a surrogate becomes U+FFFD, as Go's
// string(rune) makes it.

type textMode uint8

const (
	inText  textMode = iota // character data
	inCDATA                 // CDATA content: no references, '<' and '&' are text
	inAttr                  // an attribute value: '<' is an error, "]]>" is not
)

// plainByte marks the bytes that stand for themselves in every mode:
// printable ASCII but the markup characters.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = true
	}
	t['<'], t['&'], t[']'], t['>'] = false, false, false, false
	return t
}()

func plainText(p []byte) bool {
	for _, c := range p {
		if !plainByte[c] {
			return false
		}
	}
	return true
}

// decode decodes seg, a piece of one text run, CDATA section or attribute
// value; s.cr and s.rb carry the state between the pieces of a run. It
// returns the text (seg itself when nothing changes, else s.text: valid
// until the next call) and the bytes consumed. Unless final, seg may end
// in an incomplete character or reference, which is left for the next
// piece.
func (s *xmlScanner) decode(seg []byte, final bool, mode textMode) (out []byte, n int, err error) {
	out = s.text[:0]
	copied := false // out holds the text up to from; else it is seg[:from]
	from, i := 0, 0
	for i < len(seg) {
		c := seg[i]
		if plainByte[c] {
			for i++; i < len(seg) && plainByte[seg[i]]; i++ {
			}
			s.cr, s.rb = false, 0
			continue
		}
		switch {
		case c == ']':
			s.cr, s.rb = false, min(s.rb+1, 2)
			i++
			continue
		case c == '>':
			if s.rb == 2 && mode == inText {
				return nil, 0, s.fail(`"]]>" in text`)
			}
		case c == '\r':
			out, copied = append(append(out, seg[from:i]...), '\n'), true
			i++
			from, s.cr, s.rb = i, true, 0
			continue
		case c == '\n' && s.cr:
			out, copied = append(out, seg[from:i]...), true
			from = i + 1
		case c == '\n' || c == '\t':
		case mode == inCDATA && (c == '<' || c == '&'):
		case c == '<':
			return nil, 0, s.fail("'<' in an attribute value")
		case c == '&':
			r, size, err := s.reference(seg[i:], final)
			if err != nil {
				return nil, 0, err
			}
			if size == 0 {
				return s.partial(out, copied, seg, from, i)
			}
			out, copied = utf8.AppendRune(append(out, seg[from:i]...), r), true
			i += size
			from, s.cr, s.rb = i, false, 0
			continue
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(seg[i:])
			if r == utf8.RuneError && size == 1 {
				if !final && !utf8.FullRune(seg[i:]) {
					return s.partial(out, copied, seg, from, i)
				}
				return nil, 0, s.fail("invalid UTF-8")
			}
			if !xmlChar(r) {
				return nil, 0, s.fail("character not allowed")
			}
			i += size
			s.cr, s.rb = false, 0
			continue
		default:
			return nil, 0, s.fail("control character not allowed")
		}
		i++
		s.cr, s.rb = false, 0
	}
	if !copied {
		return seg, len(seg), nil
	}
	out = append(out, seg[from:]...)
	s.text = out
	return out, len(seg), nil
}

// partial returns the text decoded before seg[i:], which is incomplete.
func (s *xmlScanner) partial(out []byte, copied bool, seg []byte, from, i int) ([]byte, int, error) {
	if !copied {
		return seg[:i], i, nil
	}
	out = append(out, seg[from:i]...)
	s.text = out
	return out, i, nil
}

// reference decodes the entity or character reference that b starts with
// ("&..."). A size of 0 without error means that b may end inside it.
func (s *xmlScanner) reference(b []byte, final bool) (r rune, size int, err error) {
	semi := -1
	for i := 1; i < len(b) && i < maxEntityBytes; i++ {
		if b[i] == ';' {
			semi = i
			break
		}
	}
	switch {
	case semi < 0 && len(b) >= maxEntityBytes:
		return 0, 0, s.fail("entity reference too long")
	case semi < 0 && !final:
		return 0, 0, nil
	case semi < 0:
		return 0, 0, s.fail("invalid entity reference")
	}
	r, ok := refRune(b[1:semi])
	if !ok {
		return 0, 0, s.fail("invalid entity reference")
	}
	return r, semi + 1, nil
}

// refRune returns the character that the reference between '&' and ';'
// stands for.
func refRune(ref []byte) (rune, bool) {
	switch string(ref) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	}
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	digits, base := ref[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 {
		return 0, false
	}
	var r rune
	for _, c := range digits {
		var d rune
		switch {
		case '0' <= c && c <= '9':
			d = rune(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, false
		}
		if r = r*base + d; r > unicode.MaxRune {
			return 0, false
		}
	}
	if !utf8.ValidRune(r) {
		r = utf8.RuneError
	}
	return r, xmlChar(r)
}

// xmlChar reports whether r is in the Char production of XML 1.0.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
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
