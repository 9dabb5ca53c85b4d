package pii

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Number normalises a typed or pasted ID-card or phone number: NFKC turns
// full-width digits and letters (３１０…, ｘ) into ASCII, and the spaces
// and dashes people group digits with ("138 0013 8000", "138-0013-8000")
// are dropped. Anything else is left for the validator to refuse.
func Number(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c == ' ' || c == '-' || c == '\t' {
			return strings.Map(dropGrouping, norm.NFKC.String(s))
		}
	}
	return s
}

func dropGrouping(r rune) rune {
	switch r {
	case ' ', '\t', '\u00a0', '\u3000', '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212', '\u30fc':
		return -1
	}
	return r
}
