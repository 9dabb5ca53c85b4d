package pii

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

var today = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// makeID builds a valid number from 17 digits.
func makeID(first17 string) string { return first17 + string(CheckChar(first17)) }

func TestParseIDCard(t *testing.T) {
	// 11010519491231002X is the standard's published example.
	ok := map[string]struct {
		male  bool
		birth string
	}{
		"11010519491231002X":        {false, "1949-12-31"},
		"11010519491231002x":        {false, "1949-12-31"},
		makeID("31011519990101123"): {true, "1999-01-01"},
		makeID("31010120080229004"): {false, "2008-02-29"},
	}
	for in, want := range ok {
		id, err := ParseIDCard(in, today)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if id.Male != want.male || id.BirthDate.Format("2006-01-02") != want.birth || id.Number != strings.ToUpper(in) {
			t.Errorf("%s: %+v", in, id)
		}
	}
	bad := map[string]error{
		"1101051949123100":          ErrIDLength,
		"11010519491231002X1":       ErrIDLength,
		"1101051949123100AX":        ErrIDChars,
		"11010519491231002Y":        ErrIDChars,
		makeID("99010519491231002"): ErrIDRegion,
		makeID("31010120070229004"): ErrIDBirth, // 2007 is no leap year
		makeID("31010118991231004"): ErrIDBirth,
		makeID("31010120271231004"): ErrIDBirth, // after today
		"110105194912310021":        ErrIDCheck,
	}
	for in, want := range bad {
		if _, err := ParseIDCard(in, today); !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", in, err, want)
		}
	}
}

// FuzzParseIDCard: whatever the input, parsing never panics; an accepted
// number is 18 characters with the right check character; and changing any
// one digit of an accepted number makes it fail (MOD 11-2 catches every
// single-digit error).
func FuzzParseIDCard(f *testing.F) {
	for _, s := range []string{"11010519491231002X", makeID("31011519990101123"), "", "x", "310115199901011230", strings.Repeat("9", 18)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseIDCard(s, today)
		if err != nil {
			return
		}
		if len(id.Number) != 18 || CheckChar(id.Number[:17]) != id.Number[17] {
			t.Fatalf("accepted %q as %+v", s, id)
		}
		for i := range 17 {
			for d := byte('0'); d <= '9'; d++ {
				if d == id.Number[i] {
					continue
				}
				changed := id.Number[:i] + string(d) + id.Number[i+1:]
				if _, err := ParseIDCard(changed, today); err == nil {
					t.Fatalf("%s accepted after changing digit %d of %s", changed, i+1, id.Number)
				}
			}
		}
	})
}

func TestMasks(t *testing.T) {
	if got := MaskID("31011519990101123X"); got != "310***********123X" {
		t.Errorf("MaskID = %s", got)
	}
	if got := MaskMobile("13812345678"); got != "138****5678" {
		t.Errorf("MaskMobile = %s", got)
	}
	if MaskID("short") != "*****" || MaskMobile("123") != "***" {
		t.Error("odd lengths must be fully masked")
	}
	for s, want := range map[string]bool{"13812345678": true, "19912345678": true, "12812345678": false, "1381234567": false, "1381234567a": false} {
		if ValidMobile(s) != want {
			t.Errorf("ValidMobile(%s) != %t", s, want)
		}
	}
}

func TestSealer(t *testing.T) {
	enc, mac := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	s, err := NewSealer(1, enc, mac)
	if err != nil {
		t.Fatal(err)
	}
	id := "11010519491231002X"
	a, b := s.Seal("id_card", id), s.Seal("id_card", id)
	if bytes.Equal(a, b) || bytes.Contains(a, []byte(id)) || bytes.Contains(a, []byte("1949")) {
		t.Fatal("sealed values must differ per call and not contain the plain text")
	}
	if got, err := s.Open("id_card", a); err != nil || got != id {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := s.Open("phone", a); err == nil {
		t.Fatal("a value sealed for one field opened as another")
	}
	flipped := append([]byte(nil), a...)
	flipped[len(flipped)-1] ^= 1
	if _, err := s.Open("id_card", flipped); err == nil {
		t.Fatal("a flipped byte was not detected")
	}
	other, _ := NewSealer(2, bytes.Repeat([]byte{3}, 32), mac)
	if _, err := other.Open("id_card", a); err == nil {
		t.Fatal("another key opened the value")
	}
	if s.Index("id_card", id) != s.Index("id_card", id) || s.Index("id_card", id) == s.Index("phone", id) {
		t.Fatal("index must be stable per field and differ across fields")
	}
	if _, err := NewSealer(1, enc[:16], mac); err == nil {
		t.Fatal("a short key was accepted")
	}
}

// TestEverySingleChangeRefused: for many generated valid numbers, changing
// any one character (digit or check character) is refused.
func TestEverySingleChangeRefused(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		birth := time.Date(1950+r.IntN(70), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		first17 := fmt.Sprintf("31%04d%s%03d", r.IntN(10000), birth.Format("20060102"), r.IntN(1000))
		id := makeID(first17)
		if _, err := ParseIDCard(id, today); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		for i := range 18 {
			for _, c := range "0123456789X" {
				if byte(c) == id[i] || (i < 17 && c == 'X') {
					continue
				}
				changed := id[:i] + string(c) + id[i+1:]
				if _, err := ParseIDCard(changed, today); err == nil {
					t.Fatalf("%s accepted (one character changed from %s)", changed, id)
				}
			}
		}
	}
}

// The index is HMAC-SHA256 over field, a zero byte and the value, its first
// 128 bits: stored indexes (and migrations 00007 and 00010, which cut the
// earlier 256-bit hexadecimal ones to 32 characters and then decoded
// them) depend on exactly this form.
func TestIndexIsTruncatedHMAC(t *testing.T) {
	mac := bytes.Repeat([]byte{9}, 32)
	s, err := NewSealer(1, bytes.Repeat([]byte{7}, 32), mac)
	if err != nil {
		t.Fatal(err)
	}
	h := hmac.New(sha256.New, mac)
	h.Write([]byte("person.id_number\x00110101199003074514"))
	full := hex.EncodeToString(h.Sum(nil))
	got := s.Index("person.id_number", "110101199003074514")
	if hex.EncodeToString(got[:]) != full[:32] {
		t.Errorf("Index = %x, want the first 32 characters of %s", got, full)
	}
}

// A Hash goes to the database as its 16 bytes, the zero Hash as an empty
// (not NULL) value, and comes back from either form; anything else is an
// error rather than a silently different hash.
func TestHashValueScan(t *testing.T) {
	s, err := NewSealer(1, bytes.Repeat([]byte{7}, 32), bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	h := s.Index("person.phone", "13800001234")
	if v, err := h.Value(); err != nil || !bytes.Equal(v.([]byte), h[:]) {
		t.Errorf("Value = %v, %v", v, err)
	}
	if v, err := (Hash{}).Value(); err != nil || v.([]byte) == nil || len(v.([]byte)) != 0 {
		t.Errorf("zero Value = %#v, %v; want an empty, non-nil []byte", v, err)
	}
	for _, src := range []any{h[:], string(h[:])} {
		var got Hash
		if err := got.Scan(src); err != nil || got != h {
			t.Errorf("Scan(%T) = %x, %v", src, got, err)
		}
	}
	for _, src := range []any{nil, []byte{}, ""} {
		got := h
		if err := got.Scan(src); err != nil || !got.IsZero() {
			t.Errorf("Scan(%#v) = %x, %v; want zero", src, got, err)
		}
	}
	for _, src := range []any{h[:15], "0123456789abcdef0123456789abcdef", int64(1)} {
		var got Hash
		if err := got.Scan(src); err == nil {
			t.Errorf("Scan(%#v) accepted", src)
		}
	}
}

func TestNumber(t *testing.T) {
	for in, want := range map[string]string{
		"310115200001011237": "310115200001011237",
		"３１０１１５２００００１０１１２３７": "310115200001011237",
		"31011520000101123ｘ":   "31011520000101123x",
		"310115 20000101 1237": "310115200001011237",
		"138-0013-8000":        "13800138000",
		"138 0013 8000":        "13800138000",
		"１３８　００１３　８０００":        "13800138000",
		"138—0013—8000":        "13800138000",
		"":                     "",
		"abc":                  "abc",
	} {
		if got := Number(in); got != want {
			t.Errorf("Number(%q) = %q, want %q", in, got, want)
		}
	}
}
