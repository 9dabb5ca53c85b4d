package sheet

import (
	"bytes"
	"fmt"
	"strings"
)

// The markup that is not a tag: comments and processing instructions,
// skipped; CDATA sections, passed on as text; declarations, refused.

// bang handles "<!": a comment or CDATA; anything else is a declaration
// (DOCTYPE, ENTITY), which no spreadsheet part has.
func (s *xmlScanner) bang() error {
	w, err := s.window(len(cdataStart))
	if err != nil {
		return err
	}
	switch {
	case bytes.HasPrefix(w, commentStart):
		s.discard(len(commentStart))
		if err := s.until(commentEnd, false, len(commentStart)); err != nil {
			return err
		}
		if w, err = s.window(1); err != nil {
			return err
		}
		if len(w) == 0 || w[0] != '>' {
			return s.fail(`comment with "--" inside`)
		}
		s.discard(1)
		return nil
	case bytes.HasPrefix(w, cdataStart):
		s.discard(len(cdataStart))
		return s.cdata()
	case len(w) < len(cdataStart) && (bytes.HasPrefix(commentStart, w) || bytes.HasPrefix(cdataStart, w)):
		return s.fail("ends inside markup")
	}
	return s.fail("declarations are not allowed")
}

// procInst skips a processing instruction, refusing an XML declaration
// that encoding/xml would refuse.
func (s *xmlScanner) procInst() error {
	s.big = append(s.big[:0], "<?"...)
	s.discard(2)
	if err := s.until(piEnd, true, 2); err != nil {
		return err
	}
	pi := s.big[2 : len(s.big)-len(piEnd)]
	j := 0
	for j < len(pi) && nameByte[pi[j]] {
		j++
	}
	if j == 0 || !nameStart(pi[0]) {
		return s.fail("processing instruction without a target")
	}
	if string(pi[:j]) == "xml" {
		decl := string(pi[j:])
		if v := declParam("version", decl); v != "" && v != "1.0" {
			return s.fail("version other than 1.0")
		}
		if e := declParam("encoding", decl); e != "" && !strings.EqualFold(e, "utf-8") {
			return s.fail("encoding other than UTF-8")
		}
	}
	return nil
}

// until consumes the bytes up to and including term, appending them to
// big if keep. Those bytes and count before them may not exceed
// maxMarkupBytes.
func (s *xmlScanner) until(term []byte, keep bool, count int) error {
	for {
		w, err := s.window(len(term))
		if err != nil {
			return err
		}
		if len(w) < len(term) {
			return s.fail("ends inside markup")
		}
		n := len(w) - len(term) + 1
		j := bytes.Index(w, term)
		if j >= 0 {
			n = j + len(term)
		}
		if count += n; count > maxMarkupBytes {
			return s.fail(fmt.Sprintf("markup over %d bytes", maxMarkupBytes))
		}
		if keep {
			s.big = append(s.big, w[:n]...)
		}
		s.discard(n)
		if j >= 0 {
			return nil
		}
	}
}

// declParam returns the value of a pseudo-attribute of an XML
// declaration the way encoding/xml finds it, so that the two accept the
// same declarations.
func declParam(param, s string) string {
	param += "="
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || len(param)+k >= len(sub) {
			return ""
		}
		i += len(param) + k + 1
		if c := sub[len(param)+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], sep)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}

// cdata passes the content of a CDATA section, after "<![CDATA[".
func (s *xmlScanner) cdata() error {
	s.cr, s.rb = false, 0
	need := len(cdataEnd)
	for {
		w, err := s.window(need)
		if err != nil {
			return err
		}
		if j := bytes.Index(w, cdataEnd); j >= 0 {
			out, _, err := s.decode(w[:j], true, inCDATA)
			if err != nil {
				return err
			}
			s.emit(out)
			s.discard(j + len(cdataEnd))
			return nil
		}
		if s.eof {
			return s.fail("ends inside CDATA")
		}
		// Keep back what may be the start of "]]>".
		out, n, err := s.decode(w[:len(w)-len(cdataEnd)+1], false, inCDATA)
		if err != nil {
			return err
		}
		s.emit(out)
		s.discard(n)
		need = len(w) - n + 1
	}
}
