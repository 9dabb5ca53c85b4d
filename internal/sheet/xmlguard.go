package sheet

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

const (
	maxTagBytes    = 1 << 20 // one start tag with its attributes (long sqref lists exist)
	maxEntityBytes = 16      // "&#x10FFFF;" is 10
)

// xmlCap sits between an xlsx part and encoding/xml, which buffers a whole
// text node before returning it: a 10 MB cell would cost 10 MB however
// small the cell limit. xmlCap passes each text run only until it is sure
// the run decodes to more than maxText bytes, then drops the rest of the
// run up to the next '<'. A cut run therefore always reads as too long, and
// a run that is not cut is passed unchanged. Entities count as one byte
// (a lower bound), so a cut is never premature. CDATA sections and
// comments longer than maxTagBytes are refused as corrupt.
type xmlCap struct {
	r       io.Reader
	maxText int
	inTag   bool
	tagLen  int
	entLen  int  // bytes since '&' while inside an entity reference
	textLB  int  // lower bound of the decoded length of the current run
	drop    bool // the run is cut
	dropped bool // and its last character is complete
}

func newXMLDecoder(r io.Reader, maxText int) *xml.Decoder {
	d := xml.NewDecoder(&xmlCap{r: r, maxText: maxText})
	d.Strict = true
	return d
}

func (x *xmlCap) Read(p []byte) (int, error) {
	for {
		n, err := x.r.Read(p)
		w := 0
		for i := 0; i < n; i++ {
			b := p[i]
			switch {
			case x.inTag:
				if b == '>' {
					x.inTag, x.textLB = false, 0
				} else if x.tagLen++; x.tagLen > maxTagBytes {
					return w, fmt.Errorf("%w: xml markup over %d bytes", ErrCorrupt, maxTagBytes)
				}
			case b == '<':
				x.inTag, x.tagLen, x.entLen, x.drop, x.dropped = true, 0, 0, false, false
			case x.drop:
				// Finish the character the cut fell in: encoding/xml
				// rejects invalid UTF-8.
				if x.dropped || b&0xC0 != 0x80 {
					x.dropped = true
					continue
				}
			case x.entLen > 0:
				x.entLen++
				if b == ';' {
					x.entLen = 0
					x.textLB++
				} else if x.entLen > maxEntityBytes {
					return w, fmt.Errorf("%w: xml entity too long", ErrCorrupt)
				}
			case b == '&':
				x.entLen = 1
			default:
				x.textLB++
			}
			p[w] = b
			w++
			if !x.inTag && x.entLen == 0 && x.textLB > x.maxText {
				x.drop = true
			}
		}
		if w > 0 || err != nil {
			return w, err
		}
	}
}

// xmlErr turns a decoding error into a sentinel error without quoting the
// document: syntax errors can echo entity names taken from cell text.
func xmlErr(part string, err error) error {
	if errors.Is(err, ErrCorrupt) || errors.Is(err, ErrZipBomb) {
		return err
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%w: %s: xml syntax error on line %d", ErrCorrupt, part, se.Line)
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("%w: %s: unexpected end", ErrCorrupt, part)
	}
	return fmt.Errorf("%w: %s: xml error", ErrCorrupt, part)
}

// attr returns the value of the attribute with the given local name.
func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
