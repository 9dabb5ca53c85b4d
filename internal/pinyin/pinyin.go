// Package pinyin computes the pinyin initials that name searches match by
// prefix (张三 → "zs"), for the people registry and the organization tree
// alike; each passes the readings go-pinyin's first reading gets wrong in
// its own kind of name.
package pinyin

import (
	"strings"

	"github.com/mozillazg/go-pinyin"
)

// args reads the first letter of each character's pinyin and keeps Latin
// letters and digits (lower-cased); anything else is dropped.
var args = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Style = pinyin.FirstLetter
	a.Fallback = func(r rune, _ pinyin.Args) []string {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return []string{string(r)}
		case r >= 'A' && r <= 'Z':
			return []string{string(r + 'a' - 'A')}
		}
		return nil
	}
	return a
}()

// Initials returns the lower-case initials of s. first overrides the
// reading of the first character (a surname's: 曾 zeng, not ceng), every
// overrides that of any character (长宁 chang, not zhang); either may be
// nil.
func Initials(s string, first, every map[rune]byte) string {
	var b strings.Builder
	for i, r := range []rune(s) {
		if c, ok := first[r]; ok && i == 0 {
			b.WriteByte(c)
			continue
		}
		if c, ok := every[r]; ok {
			b.WriteByte(c)
			continue
		}
		for _, p := range pinyin.SinglePinyin(r, args) {
			if p != "" {
				b.WriteByte(p[0])
				break
			}
		}
	}
	return b.String()
}
