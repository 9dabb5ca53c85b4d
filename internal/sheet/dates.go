package sheet

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"time"
)

// isDateFormat reports whether number format id (with the workbook's
// custom formats) shows a date. Built-in ids follow ECMA-376 and the CJK
// locales (27–36 and 50–58 are Chinese/Japanese/Korean date formats).
func isDateFormat(id string, custom map[string]string) bool {
	n, err := strconv.Atoi(id)
	if err != nil {
		return false
	}
	switch {
	case n >= 14 && n <= 22, n >= 27 && n <= 36, n >= 45 && n <= 47, n >= 50 && n <= 58:
		return true
	}
	code, ok := custom[id]
	return ok && isDateCode(code)
}

// isDateCode reports whether a format code shows a date: after removing
// quoted text, escaped characters and [bracketed] parts (colours, locales,
// elapsed-time units) of its first section, it has y or d, or it has m
// with no h or s, so that "mm:ss" and "h:mm" stay times.
func isDateCode(code string) bool {
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case ';':
			i = len(code)
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
		case '\\', '_', '*':
			i++ // the next character is literal or a fill/padding character
		case '[':
			if j := strings.IndexByte(code[i:], ']'); j >= 0 {
				if strings.Trim(strings.ToLower(code[i+1:i+j]), "hms") == "" {
					b.WriteByte('h') // elapsed time: [h], [mm], [ss]
				}
				i += j
			}
		default:
			b.WriteByte(c | 0x20) // ASCII lower case; other bytes do not matter here
		}
	}
	s := b.String()
	if strings.ContainsAny(s, "yd") {
		return true
	}
	return strings.Contains(s, "m") && !strings.ContainsAny(s, "hs")
}

var (
	epoch1900 = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	epoch1904 = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
)

// serialDate formats an Excel date serial as YYYY-MM-DD, dropping any time
// of day. It reports false for values that are not dates (unparsable, below
// one day, or after 9999-12-31), which are then returned as written.
func serialDate(v string, date1904 bool) (string, bool) {
	d, ok := appendSerialDate(nil, []byte(v), date1904)
	return string(d), ok
}

// appendSerialDate appends serialDate's date to dst.
func appendSerialDate(dst, v []byte, date1904 bool) ([]byte, bool) {
	f, err := strconv.ParseFloat(string(bytes.TrimSpace(v)), 64)
	if err != nil || math.IsNaN(f) || f < 1 || f >= 2958466 {
		return dst, false
	}
	// Round to the millisecond first: 45292.99999999999 is midnight.
	days := math.Floor(f + 0.5/86400000)
	var t time.Time
	switch {
	case date1904:
		t = epoch1904.AddDate(0, 0, int(days))
	case days == 60:
		return append(dst, "1900-02-29"...), true // Lotus 1-2-3's leap day, kept by Excel
	case days < 60:
		t = epoch1900.AddDate(0, 0, int(days)+1)
	default:
		t = epoch1900.AddDate(0, 0, int(days))
	}
	return t.AppendFormat(dst, "2006-01-02"), true
}

// isoDate returns the date part of a t="d" cell (ISO 8601).
func isoDate(v []byte) ([]byte, bool) {
	if len(v) < 10 {
		return nil, false
	}
	if _, err := time.Parse("2006-01-02", string(v[:10])); err != nil {
		return nil, false
	}
	return v[:10], true
}
