// Package pii holds the rules for personal identifiers: the resident
// ID-card number (GB 11643-1999) and mainland mobile numbers, their masked
// display, and their protection at rest (encryption with a keyed hash
// beside it for exact lookup and uniqueness).
package pii

import (
	"errors"
	"strings"
	"time"
)

// IDCard is a parsed, valid resident ID-card number.
type IDCard struct {
	Number    string // 18 characters, the check character upper-case
	Region    string // the six-digit administrative code of first registration
	BirthDate time.Time
	Male      bool // the 17th digit is odd for men
}

// Errors of ParseIDCard; each is a catalog key.
var (
	ErrIDLength = errors.New("err.id_length")
	ErrIDChars  = errors.New("err.id_chars")
	ErrIDRegion = errors.New("err.id_region")
	ErrIDBirth  = errors.New("err.id_birth")
	ErrIDCheck  = errors.New("err.id_check")
)

// The ISO 7064 MOD 11-2 weights and check characters of GB 11643.
var (
	idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	idChecks  = "10X98765432"
)

// Province-level codes (the first two digits) in use.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true, "21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true, "41": true,
	"42": true, "43": true, "44": true, "45": true, "46": true, "50": true, "51": true, "52": true,
	"53": true, "54": true, "61": true, "62": true, "63": true, "64": true, "65": true, "71": true,
	"81": true, "82": true,
}

// CheckChar returns the check character for the first 17 digits.
func CheckChar(first17 string) byte {
	sum := 0
	for i := range 17 {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idChecks[sum%11]
}

// ParseIDCard validates an 18-character ID-card number: digits, a known
// province, a real birth date not after today (Asia/Shanghai) and not before
// 1900, and the check character. A lower-case x is accepted and normalised.
func ParseIDCard(s string, today time.Time) (IDCard, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 18 {
		return IDCard{}, ErrIDLength
	}
	for i := range 17 {
		if s[i] < '0' || s[i] > '9' {
			return IDCard{}, ErrIDChars
		}
	}
	if c := s[17]; (c < '0' || c > '9') && c != 'X' {
		return IDCard{}, ErrIDChars
	}
	if !provinces[s[:2]] {
		return IDCard{}, ErrIDRegion
	}
	birth, err := time.ParseInLocation("20060102", s[6:14], shanghai)
	if err != nil || birth.Year() < 1900 || birth.After(today.In(shanghai)) {
		return IDCard{}, ErrIDBirth
	}
	if CheckChar(s[:17]) != s[17] {
		return IDCard{}, ErrIDCheck
	}
	return IDCard{Number: s, Region: s[:6], BirthDate: birth, Male: (s[16]-'0')%2 == 1}, nil
}

var shanghai = time.FixedZone("Asia/Shanghai", 8*3600)

// MaskID shows the first three and last four characters: 310***********123X.
func MaskID(s string) string {
	if len(s) != 18 {
		return strings.Repeat("*", len(s))
	}
	return s[:3] + strings.Repeat("*", 11) + s[14:]
}

// ValidMobile reports whether s is a mainland mobile number (11 digits, 1[3-9]…).
func ValidMobile(s string) bool {
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' {
		return false
	}
	for i := range 11 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MaskMobile shows the first three and last four digits: 138****5678.
func MaskMobile(s string) string {
	if len(s) != 11 {
		return strings.Repeat("*", len(s))
	}
	return s[:3] + "****" + s[7:]
}
