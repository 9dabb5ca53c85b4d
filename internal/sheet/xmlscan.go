package sheet

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// xmlScanner reads the XML parts of an xlsx, streaming. It replaced
// encoding/xml, which took ~80% of the time of reading a large sheet: it
// allocates every token, name and attribute, and it buffers a whole text
// node, so that a 10 MB cell needed a filter in front of it to stay
// bounded. The scanner parses each tag in place in its bufio.Reader's
// buffer, returns names and attribute values as slices of that buffer,
// and passes character data only to the textAcc set as sink, piece by
// piece: what it holds is the buffer, the names of the open elements and
// at most one tag, whatever the input.
//
// It reads well-formed XML as encoding/xml does: the same names and
// attributes, the same text under the same entity, line-end and
// character rules (FuzzScanner holds it to that). What is not
// well-formed is ErrCorrupt. So is what never belongs in a spreadsheet
// part, as before: DOCTYPE and every other declaration, so no entity is
// ever defined and only the five predefined ones and character
// references are expanded; a tag, comment or processing instruction over
// maxMarkupBytes; an entity reference over maxEntityBytes; names of open
// elements over maxOpenBytes; an XML declaration of another version than
// 1.0 or another encoding than UTF-8.
type xmlScanner struct {
	r    *bufio.Reader
	win  []byte // r's buffered bytes, as r last returned them
	used int    // bytes of win consumed, still to be discarded from r
	part string
	eof  bool  // r has nothing left beyond what is buffered
	err  error // the first error: every later call returns it
	off  int64 // bytes consumed, for error messages

	// The current tag, valid until the next call of next: its bytes and
	// where in them its qualified and local names and, for a start tag,
	// its attributes are. Offsets rather than slices: a sheet has
	// millions of tags, and storing pointers costs write barriers while
	// the garbage collector runs.
	tag         []byte
	name, local span
	attrs       []xmlAttr
	selfEnd     bool // the start tag was self-closing: next returns its end

	open []byte // names of the open elements, one after the other
	ends []int  // where each ends in open

	// sink receives the character data and CDATA content while collect
	// is set; other text is checked and dropped.
	sink    *textAcc
	collect bool
	cr      bool // the text so far ends with '\r': a '\n' after it is dropped
	rb      int  // ']' ending the text so far, up to 2: "]]>" is not text

	text []byte // text decoded for the sink
	vals []byte // attribute values of the current tag that needed decoding
	big  []byte // a tag longer than the buffer, or a processing instruction
}

// span is where a name or value is in tag (or vals).
type span struct{ from, to int32 }

func (p span) in(b []byte) []byte { return b[p.from:p.to] }

type xmlAttr struct {
	name, local, value span
	decoded            bool // value is in vals, not tag
}

// xmlEvent is what next found.
type xmlEvent uint8

const (
	xmlEOF   xmlEvent = iota // the end of the part, every element closed
	xmlStart                 // a start tag, or a self-closing one (its xmlEnd follows)
	xmlEnd
)

const (
	scanBufSize    = 64 << 10 // the bufio buffer; a longer tag is copied into big
	maxMarkupBytes = 1 << 20  // one tag, comment or PI (long sqref lists exist)
	maxEntityBytes = 17       // "&", up to 15 bytes, ";" ("&#x10FFFF;" has 10)
	maxOpenBytes   = 64 << 10 // a sheet nests about 6 elements deep
)

var (
	commentStart = []byte("<!--")
	commentEnd   = []byte("--")
	cdataStart   = []byte("<![CDATA[")
	cdataEnd     = []byte("]]>")
	piEnd        = []byte("?>")
)

func newXMLScanner(r io.Reader, part string) *xmlScanner {
	return &xmlScanner{r: bufio.NewReaderSize(r, scanBufSize), part: part}
}

// qname returns the current tag's name as written ("x:row").
func (s *xmlScanner) qname() []byte { return s.name.in(s.tag) }

// localName returns the current tag's name without a namespace prefix.
func (s *xmlScanner) localName() []byte { return s.local.in(s.tag) }

func (s *xmlScanner) attrValue(a *xmlAttr) []byte {
	if a.decoded {
		return a.value.in(s.vals)
	}
	return a.value.in(s.tag)
}

// attr returns the value of the first attribute with the given local
// name, or nil.
func (s *xmlScanner) attr(local string) []byte {
	for i := range s.attrs {
		if a := &s.attrs[i]; string(a.local.in(s.tag)) == local {
			return s.attrValue(a)
		}
	}
	return nil
}

// prefixedAttr returns the value of the last attribute with the given
// local name and a namespace prefix ("r:id"), or nil.
func (s *xmlScanner) prefixedAttr(local string) []byte {
	var v []byte
	for i := range s.attrs {
		if a := &s.attrs[i]; string(a.local.in(s.tag)) == local && a.local.from > a.name.from {
			v = s.attrValue(a)
		}
	}
	return v
}

// fail records and returns a syntax error. It names the part and the
// offset, never the document's text.
func (s *xmlScanner) fail(what string) error {
	if s.err == nil {
		s.err = fmt.Errorf("%w: %s: xml %s (byte %d)", ErrCorrupt, s.part, what, s.off)
	}
	return s.err
}

// readFailed records an error of the part's reader: the zip guards'
// errors as they are, others as ErrCorrupt.
func (s *xmlScanner) readFailed(err error) error {
	if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrZipBomb) {
		err = fmt.Errorf("%w: %s: %w", ErrCorrupt, s.part, err)
	}
	s.err = err
	return err
}

// window returns the buffered bytes not yet consumed, reading first until
// there are at least need of them (need <= scanBufSize) or the part ends.
// The slice is valid until a call that reads.
func (s *xmlScanner) window(need int) ([]byte, error) {
	if len(s.win)-s.used >= need {
		return s.win[s.used:], nil
	}
	// Consumed bytes are given back to r only now: one call per buffer
	// rather than per tag.
	s.r.Discard(s.used)
	s.used = 0
	if s.r.Buffered() < need && !s.eof {
		switch _, err := s.r.Peek(need); {
		case err == io.EOF:
			s.eof = true
		case err != nil:
			return nil, s.readFailed(err)
		}
	}
	s.win, _ = s.r.Peek(s.r.Buffered())
	return s.win, nil
}

// discard consumes n bytes of the window.
func (s *xmlScanner) discard(n int) {
	s.used += n
	s.off += int64(n)
}

// next returns the next start or end tag, or xmlEOF at the end of the
// part; text before it went to the sink, comments and processing
// instructions were skipped.
func (s *xmlScanner) next() (xmlEvent, error) {
	if s.err != nil {
		return xmlEOF, s.err
	}
	if s.selfEnd {
		s.selfEnd = false
		return xmlEnd, nil
	}
	for {
		w, err := s.window(2)
		if err != nil {
			return xmlEOF, err
		}
		ev := xmlEOF
		switch {
		case len(w) == 0:
			if len(s.ends) > 0 {
				return xmlEOF, s.fail("ends inside an element")
			}
			return xmlEOF, nil
		case w[0] != '<':
			err = s.chars()
		case len(w) < 2:
			err = s.fail("ends inside a tag")
		case w[1] == '/':
			ev, err = xmlEnd, s.readTag(w, xmlEnd)
		case w[1] == '?':
			err = s.procInst()
		case w[1] == '!':
			err = s.bang()
		default:
			ev, err = xmlStart, s.readTag(w, xmlStart)
		}
		if err != nil {
			return xmlEOF, err
		}
		if ev != xmlEOF {
			return ev, nil
		}
	}
}

// readTag parses the start or end tag at the start of w, reading more until
// it is complete.
func (s *xmlScanner) readTag(w []byte, kind xmlEvent) error {
	for {
		n, err := s.parseTag(w, kind)
		if err != nil {
			return err
		}
		if n > 0 {
			s.discard(n)
			return nil
		}
		switch {
		case s.eof:
			return s.fail("ends inside a tag")
		case len(w) >= scanBufSize:
			return s.longTag(kind)
		}
		// Doubling keeps re-parsing linear even if the part arrives a
		// byte at a time.
		if w, err = s.window(min(2*len(w), scanBufSize)); err != nil {
			return err
		}
	}
}

// longTag copies a tag that does not fit the buffer into big, up to
// maxMarkupBytes, and parses it there.
func (s *xmlScanner) longTag(kind xmlEvent) error {
	s.big = s.big[:0]
	var quote byte
	for {
		w, err := s.window(1)
		if err != nil {
			return err
		}
		if len(w) == 0 {
			return s.fail("ends inside a tag")
		}
		i, end := 0, false
		for ; i < len(w) && !end; i++ {
			switch c := w[i]; {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			case c == '>':
				end = true
			}
		}
		if len(s.big)+i > maxMarkupBytes {
			return s.fail(fmt.Sprintf("markup over %d bytes", maxMarkupBytes))
		}
		s.big = append(s.big, w[:i]...)
		s.discard(i)
		if end {
			n, err := s.parseTag(s.big, kind)
			if err == nil && n != len(s.big) {
				err = s.fail("malformed tag")
			}
			return err
		}
	}
}

// parseTag parses the tag that w starts with and returns its length, or
// 0 if w ends before it does.
func (s *xmlScanner) parseTag(w []byte, kind xmlEvent) (int, error) {
	s.tag = w
	i := 1
	if kind == xmlEnd {
		i = 2
	}
	j, local, ok := scanName(w, i)
	if j == len(w) {
		return 0, nil
	}
	if !ok {
		return 0, s.fail("invalid element name")
	}
	s.name, s.local = span{int32(i), int32(j)}, local
	if kind == xmlEnd {
		j = skipSpace(w, j)
		if j == len(w) {
			return 0, nil
		}
		if w[j] != '>' {
			return 0, s.fail("invalid end tag")
		}
		return j + 1, s.pop(s.qname())
	}
	s.attrs, s.vals = s.attrs[:0], s.vals[:0]
	for {
		j = skipSpace(w, j)
		if j == len(w) {
			return 0, nil
		}
		switch w[j] {
		case '>':
			return j + 1, s.push(false)
		case '/':
			if j+1 == len(w) {
				return 0, nil
			}
			if w[j+1] != '>' {
				return 0, s.fail("expected /> in a tag")
			}
			return j + 2, s.push(true)
		}
		k := j
		a := xmlAttr{}
		if j, a.local, ok = scanName(w, j); j == len(w) {
			return 0, nil
		}
		if !ok {
			return 0, s.fail("invalid attribute name")
		}
		a.name = span{int32(k), int32(j)}
		if j = skipSpace(w, j); j == len(w) {
			return 0, nil
		}
		if w[j] != '=' {
			return 0, s.fail("attribute without a value")
		}
		if j = skipSpace(w, j+1); j == len(w) {
			return 0, nil
		}
		q := w[j]
		if q != '"' && q != '\'' {
			return 0, s.fail("unquoted attribute value")
		}
		e := bytes.IndexByte(w[j+1:], q)
		if e < 0 {
			return 0, nil
		}
		a.value, j = span{int32(j + 1), int32(j + 1 + e)}, j+2+e
		if v := a.value.in(w); !plainText(v) {
			s.cr, s.rb = false, 0
			out, _, err := s.decode(v, true, inAttr)
			if err != nil {
				return 0, err
			}
			a.value, a.decoded = span{int32(len(s.vals)), int32(len(s.vals) + len(out))}, true
			s.vals = append(s.vals, out...)
		}
		s.attrs = append(s.attrs, a)
	}
}

// push opens the element of the start tag just parsed, unless it was
// self-closing.
func (s *xmlScanner) push(selfClosing bool) error {
	if s.selfEnd = selfClosing; selfClosing {
		return nil
	}
	name := s.qname()
	if len(s.open)+len(name) > maxOpenBytes {
		return s.fail("nested too deeply")
	}
	s.open = append(s.open, name...)
	s.ends = append(s.ends, len(s.open))
	return nil
}

// pop closes the innermost open element, which must be name.
func (s *xmlScanner) pop(name []byte) error {
	n := len(s.ends)
	if n == 0 {
		return s.fail("end tag without a start tag")
	}
	from := 0
	if n > 1 {
		from = s.ends[n-2]
	}
	if !bytes.Equal(s.open[from:], name) {
		return s.fail("end tag does not match its start tag")
	}
	s.open, s.ends = s.open[:from], s.ends[:n-1]
	return nil
}

// chars passes the character data up to the next '<' or the end of the
// part.
func (s *xmlScanner) chars() error {
	s.cr, s.rb = false, 0
	need := 1
	for {
		w, err := s.window(need)
		if err != nil || len(w) == 0 {
			return err
		}
		end := bytes.IndexByte(w, '<')
		seg := w
		if end >= 0 {
			seg = w[:end]
		}
		out, n, err := s.decode(seg, end >= 0 || s.eof, inText)
		if err != nil {
			return err
		}
		s.emit(out)
		s.discard(n)
		if n == end {
			return nil
		}
		need = len(w) - n + 1 // more than an incomplete character or reference
	}
}

// emit passes decoded text to the sink while collect is set.
func (s *xmlScanner) emit(text []byte) {
	if s.collect && len(text) > 0 {
		s.sink.add(text)
	}
}

// nameByte marks the bytes of XML names as encoding/xml reads them: ASCII
// letters, digits, "_:.-", and every byte of a multi-byte character.
var nameByte = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c >= 0x80 || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '_' || c == ':' || c == '.' || c == '-'
	}
	return t
}()

// nameStart reports whether a name may start with c.
func nameStart(c byte) bool {
	return nameByte[c] && !('0' <= c && c <= '9' || c == '.' || c == '-')
}

// scanName reads the name at w[i:]. It returns where the name ends (at
// len(w), w may end inside it), its local part (after a namespace prefix)
// and whether it is a valid name. Like encoding/xml, it refuses a name
// that starts with a digit, '.' or '-', or has two colons; unlike it, it
// does not check the classes of non-ASCII characters.
func scanName(w []byte, i int) (end int, local span, ok bool) {
	j, colon, colons := i, -1, 0
	for ; j < len(w) && nameByte[w[j]]; j++ {
		if w[j] == ':' {
			colon, colons = j, colons+1
		}
	}
	if j == i || !nameStart(w[i]) || colons > 1 {
		return j, span{}, false
	}
	if colons == 0 || colon == i || colon == j-1 {
		return j, span{int32(i), int32(j)}, true
	}
	return j, span{int32(colon + 1), int32(j)}, true
}

func skipSpace(w []byte, i int) int {
	for i < len(w) && (w[i] == ' ' || w[i] == '\n' || w[i] == '\t' || w[i] == '\r') {
		i++
	}
	return i
}
