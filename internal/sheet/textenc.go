package sheet

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// textInfo is what one pass over a would-be CSV learns before any row is
// parsed.
type textInfo struct {
	bom      bool
	gb18030  bool
	nonEmpty int // records with a non-blank byte, the header included
}

// scanText reads the whole file once: a NUL byte means binary, the text
// must be valid UTF-8 or else valid GB18030 (which includes GBK, what
// Excel in China saves a CSV as). The record count comes from the raw
// bytes: in GB18030 the bytes of a multi-byte character are never a quote,
// comma, CR or LF, so the structure is the same as after decoding.
func scanText(r io.ReaderAt, size int64) (textInfo, error) {
	var info textInfo
	sec := io.NewSectionReader(r, 0, size)
	var head [3]byte
	if n, _ := sec.ReadAt(head[:], 0); n == 3 && bytes.Equal(head[:], utf8BOM) {
		info.bom = true
		sec = io.NewSectionReader(r, 3, size-3)
	}
	count := newCSVBound(nil, 1<<62, 1<<62)
	var u utf8Check
	buf := make([]byte, 64<<10)
	for {
		n, err := sec.Read(buf)
		chunk := buf[:n]
		if bytes.IndexByte(chunk, 0) >= 0 {
			return info, fmt.Errorf("%w: NUL byte in text", ErrFileType)
		}
		u.write(chunk)
		count.out = count.feed(chunk, count.out[:0])
		if err == io.EOF {
			break
		}
		if err != nil {
			return info, fmt.Errorf("%w: read: %w", ErrCorrupt, err)
		}
	}
	count.finish(nil)
	info.nonEmpty = count.nonEmpty
	if u.valid() {
		return info, nil
	}
	if info.bom {
		return info, fmt.Errorf("%w: invalid UTF-8 after BOM", ErrFileType)
	}
	ok, err := validGB18030(io.NewSectionReader(r, 0, size))
	if err != nil {
		return info, err
	}
	if !ok {
		return info, fmt.Errorf("%w: text is neither UTF-8 nor GB18030", ErrFileType)
	}
	info.gb18030 = true
	return info, nil
}

// validGB18030 decodes r and reports whether no byte was invalid (the
// decoder turns each invalid byte into U+FFFD).
func validGB18030(r io.Reader) (bool, error) {
	dec := transform.NewReader(r, simplifiedchinese.GB18030.NewDecoder())
	buf := make([]byte, 64<<10)
	var tail []byte // the last two bytes, for a U+FFFD split between reads
	for {
		n, err := dec.Read(buf)
		if bytes.Contains(append(tail, buf[:min(n, 2)]...), []byte("\uFFFD")) ||
			bytes.Contains(buf[:n], []byte("\uFFFD")) {
			return false, nil
		}
		if n >= 2 {
			tail = append(tail[:0], buf[n-2:n]...)
		} else if tail = append(tail, buf[:n]...); len(tail) > 2 {
			tail = tail[len(tail)-2:]
		}
		if err == io.EOF {
			return true, nil
		}
		if err != nil {
			return false, fmt.Errorf("%w: read: %w", ErrCorrupt, err)
		}
	}
}

// utf8Check validates UTF-8 written in chunks that may split a character.
type utf8Check struct {
	carry []byte
	bad   bool
}

func (u *utf8Check) write(p []byte) {
	if u.bad {
		return
	}
	for len(u.carry) > 0 && len(p) > 0 {
		u.carry = append(u.carry, p[0])
		p = p[1:]
		if utf8.FullRune(u.carry) {
			if !utf8.Valid(u.carry) {
				u.bad = true
				return
			}
			u.carry = u.carry[:0]
		}
	}
	cut := len(p)
	for i := len(p) - 1; i >= 0 && i >= len(p)-3; i-- {
		if utf8.RuneStart(p[i]) {
			if !utf8.FullRune(p[i:]) {
				cut = i
			}
			break
		}
	}
	if !utf8.Valid(p[:cut]) {
		u.bad = true
		return
	}
	u.carry = append(u.carry, p[cut:]...)
}

func (u *utf8Check) valid() bool { return !u.bad && len(u.carry) == 0 }
