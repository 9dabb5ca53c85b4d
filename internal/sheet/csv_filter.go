package sheet

import "io"

// csvBound sits between the CSV text and encoding/csv, which buffers a
// whole record however long its fields: a 10 MB field, or a line of
// millions of commas, would be held in full. csvBound follows the record
// structure exactly as encoding/csv does with LazyQuotes and passes the
// text on unchanged, except that:
//   - a field's content stops after it is sure to exceed maxCell bytes
//     once parsed, so a cut field always reads as too long;
//   - fields after the first maxFields of a record are dropped, all but
//     the first of them entirely and that one's content;
//   - an empty line becomes `""`, so encoding/csv returns it as a record
//     instead of skipping it and record numbers stay the rows users see.
//
// Within the kept fields, no quote, comma or line end that encoding/csv
// reads as structure is dropped or added, so the records and fields it
// returns are those of the original text.
type csvBound struct {
	r         io.Reader
	maxCell   int
	maxFields int

	st       csvState
	field    int  // index of the current field in the record
	n, raw   int  // content bytes of the current field without / with '\r'
	cut      bool // the current field lost content
	content  bool // the current record has a non-blank byte
	nonEmpty int  // records ended that had a non-blank byte

	in, out []byte
	off     int
	err     error
}

type csvState uint8

const (
	stRecStart   csvState = iota // nothing of the record seen yet
	stRecStartCR                 // record start, then '\r'
	stFieldStart                 // after a comma
	stUnquoted
	stQuoted
	stQuote   // in a quoted field, after '"'
	stQuoteCR // in a quoted field, after '"' and '\r'
)

func newCSVBound(r io.Reader, maxCell, maxFields int) *csvBound {
	return &csvBound{r: r, maxCell: maxCell, maxFields: maxFields, in: make([]byte, 32<<10)}
}

func (s *csvBound) Read(p []byte) (int, error) {
	for s.off >= len(s.out) {
		if s.err != nil {
			return 0, s.err
		}
		n, err := s.r.Read(s.in)
		s.out, s.off = s.feed(s.in[:n], s.out[:0]), 0
		if err == io.EOF {
			s.out = s.finish(s.out)
		}
		s.err = err
	}
	n := copy(p, s.out[s.off:])
	s.off += n
	return n, nil
}

// feed runs the state machine over in, appending what passes to out.
func (s *csvBound) feed(in, out []byte) []byte {
	for _, b := range in {
	again:
		switch s.st {
		case stRecStart:
			switch b {
			case '\n':
				out = s.endRecord(append(out, '"', '"'))
			case '\r':
				s.st = stRecStartCR
			default:
				s.st = stFieldStart
				goto again
			}
		case stRecStartCR:
			if b == '\n' {
				out = s.endRecord(append(out, '"', '"'))
				continue
			}
			s.st = stUnquoted
			out = s.text(out, '\r')
			goto again
		case stFieldStart:
			switch b {
			case '"':
				out = s.quote(out)
				s.st = stQuoted
			case ',':
				out = s.endField(out)
			case '\n':
				out = s.endRecord(out)
			default:
				s.st = stUnquoted
				out = s.text(out, b)
			}
		case stUnquoted:
			switch b {
			case ',':
				out = s.endField(out)
			case '\n':
				out = s.endRecord(out)
			default:
				out = s.text(out, b)
			}
		case stQuoted:
			if b == '"' {
				s.st = stQuote
			} else {
				out = s.text(out, b)
			}
		case stQuote:
			switch b {
			case '"': // escaped quote: one byte of content written as two
				s.content = true
				if s.keep() {
					out = append(out, '"', '"')
					s.n, s.raw = s.n+1, s.raw+2
				}
				s.st = stQuoted
			case ',':
				out = s.endField(s.quote(out))
			case '\n':
				out = s.endRecord(s.quote(out))
			case '\r':
				s.st = stQuoteCR
			default: // a bare quote inside the field is content (LazyQuotes)
				out = s.bareQuote(out, b)
				s.st = stQuoted
			}
		case stQuoteCR:
			if b == '\n' {
				out = s.endRecord(s.quote(out))
				continue
			}
			out = s.bareQuote(out, '\r')
			s.st = stQuoted
			goto again
		}
	}
	return out
}

// finish ends the last record at end of input.
func (s *csvBound) finish(out []byte) []byte {
	switch s.st {
	case stRecStart, stRecStartCR: // encoding/csv drops a trailing '\r'
		return out
	case stQuote, stQuoteCR:
		out = s.quote(out)
	case stQuoted:
		if s.cut {
			// Close the cut field, or a bare quote or '\r' it ends with
			// would be read as its end and the field as shorter.
			out = s.quote(out)
		}
	}
	s.endRecord(nil)
	return out
}

func (s *csvBound) keep() bool {
	if s.field >= s.maxFields {
		return false
	}
	if s.n > s.maxCell || s.raw > 2*s.maxCell+1 {
		s.cut = true
		return false
	}
	return true
}

// bareQuote passes a quote that is content together with the byte after
// it, which is not a quote, comma or line end: a quote followed by
// nothing, or by the closing quote, would change the record's structure.
func (s *csvBound) bareQuote(out []byte, b byte) []byte {
	s.content = true
	if !s.keep() {
		return out
	}
	s.n, s.raw = s.n+1, s.raw+2
	if b != '\r' {
		s.n++
	}
	return append(out, '"', b)
}

// text passes one content byte while the field is kept and short enough.
// A cut field has more than maxCell bytes once parsed: either maxCell+1
// bytes other than '\r', or 2*maxCell+2 bytes of which encoding/csv
// removes at most one in two (a '\r' before '\n').
func (s *csvBound) text(out []byte, b byte) []byte {
	if b != ' ' && b != '\t' && b != '\r' && b != '\n' {
		s.content = true
	}
	if !s.keep() {
		return out
	}
	s.raw++
	if b != '\r' {
		s.n++
	}
	return append(out, b)
}

func (s *csvBound) quote(out []byte) []byte {
	if s.field < s.maxFields {
		out = append(out, '"')
	}
	return out
}

func (s *csvBound) endField(out []byte) []byte {
	// The comma before the first dropped field is kept: the field before
	// it must not end the record, where a trailing '\r' would be lost.
	if s.field < s.maxFields {
		out = append(out, ',')
	}
	s.field, s.n, s.raw, s.cut, s.st = s.field+1, 0, 0, false, stFieldStart
	return out
}

func (s *csvBound) endRecord(out []byte) []byte {
	if s.content {
		s.nonEmpty++
	}
	s.field, s.n, s.raw, s.cut, s.st, s.content = 0, 0, 0, false, stRecStart, false
	return append(out, '\n')
}
