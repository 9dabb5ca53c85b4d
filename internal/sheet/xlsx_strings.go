package sheet

import (
	"fmt"
	"io"
	"unicode/utf8"
)

// sharedStrings is the shared string table held in blocks of text of at
// least 1 MiB and a 12-byte reference a string, so that a lookup allocates
// nothing, the garbage collector sees few pointers and growing the table
// never copies the text. Strings longer than MaxCellBytes are stored empty
// and flagged in long.
type sharedStrings struct {
	blocks []string
	refs   []stringRef
	long   []uint64 // bit set by index
}

type stringRef struct{ block, start, end uint32 }

func (s *sharedStrings) get(i int) (string, bool, bool) {
	if i < 0 || i >= len(s.refs) {
		return "", false, false
	}
	r := s.refs[i]
	long := i/64 < len(s.long) && s.long[i/64]&(1<<(i%64)) != 0
	return s.blocks[r.block][r.start:r.end], long, true
}

// readSharedStrings loads xl/sharedStrings.xml. Each <si> is the text of
// its <t> elements, directly or in rich text runs <r>, without phonetic
// runs <rPh>: Excel keeps the reading of Chinese or Japanese text (pinyin,
// furigana) there, after the text, with <phoneticPr> saying how to show
// it. The table may hold at most a quarter of MaxUnzipped (text plus
// references): a part of millions of tiny or empty strings inflates
// within the limits yet would cost far more as a table.
func readSharedStrings(a *archive, part string, lim Limits) (*sharedStrings, error) {
	rc, err := a.open(part)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return loadSharedStrings(rc, part, lim)
}

func loadSharedStrings(r io.Reader, part string, lim Limits) (*sharedStrings, error) {
	sc := newXMLScanner(r, part)
	s := &sharedStrings{}
	blockSize := max(1<<20, lim.MaxCellBytes)
	cur := make([]byte, 0, blockSize)
	budget := lim.MaxUnzipped / 4
	acc := textAcc{max: lim.MaxCellBytes}
	sc.sink = &acc
	inSI, rph := false, 0
	for {
		ev, err := sc.next()
		if err != nil {
			return nil, err
		}
		if ev == xmlEOF {
			break
		}
		if ev == xmlStart {
			switch string(sc.localName()) {
			case "si":
				inSI, rph = true, 0
				acc.reset()
			case "rPh":
				rph++
			case "t":
				sc.collect = inSI && rph == 0
			}
			continue
		}
		switch string(sc.localName()) {
		case "si":
			if !inSI {
				continue
			}
			inSI = false
			i := len(s.refs)
			if acc.long {
				for len(s.long) <= i/64 {
					s.long = append(s.long, 0)
				}
				s.long[i/64] |= 1 << (i % 64)
			}
			if len(cur)+len(acc.buf) > blockSize {
				s.blocks, cur = append(s.blocks, string(cur)), cur[:0]
			}
			start := len(cur)
			if !acc.long {
				cur = appendUnescaped(cur, acc.buf)
			}
			s.refs = append(s.refs, stringRef{uint32(len(s.blocks)), uint32(start), uint32(len(cur))})
			if budget -= int64(len(cur)-start) + 12; budget < 0 {
				return nil, fmt.Errorf("%w: shared strings over %d bytes", ErrZipBomb, lim.MaxUnzipped/4)
			}
		case "rPh":
			rph--
		case "t":
			sc.collect = false
		}
	}
	s.blocks = append(s.blocks, string(cur))
	return s, nil
}

// xEscape starts an ST_Xstring escape.
var xEscape = []byte("_x")

// appendUnescaped appends p to dst, decoding the ST_Xstring escapes _xHHHH_
// that spreadsheet writers use for characters XML cannot carry (control
// characters) and the escaped underscore _x005F_. It never appends more
// than len(p) bytes.
func appendUnescaped(dst, p []byte) []byte {
	for i := 0; i < len(p); i++ {
		if p[i] == '_' && i+6 < len(p) && p[i+1] == 'x' && p[i+6] == '_' {
			if r, ok := hex4(p[i+2 : i+6]); ok {
				dst = utf8.AppendRune(dst, r)
				i += 6
				continue
			}
		}
		dst = append(dst, p[i])
	}
	return dst
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
	// Surrogate halves become U+FFFD: 3 bytes from 7, still shorter.
	return r, true
}
