package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/crypto/argon2"
)

// HashParams are argon2id's cost parameters. The stored hash names them, so
// a change re-hashes at the next login.
type HashParams struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultHash takes about 100 ms on the 2-core reference machine.
var DefaultHash = HashParams{Time: 2, Memory: 19 * 1024, Threads: 2}

// TestHash is cheap, for tests only.
var TestHash = HashParams{Time: 1, Memory: 64, Threads: 1}

// HashPassword returns the PHC-format argon2id hash of pw.
func HashPassword(pw string, p HashParams) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// CheckPassword reports whether pw matches hash, and whether the hash was
// made with parameters other than want (so the caller can re-hash).
func CheckPassword(pw, hash string, want HashParams) (ok, stale bool) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, false
	}
	var p HashParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || p.Threads == 0 {
		return false, false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, p != want
}

// dummyHash is checked against when the login name is unknown, so that an
// unknown user and a wrong password take the same time.
func dummyHash(p HashParams) string { return HashPassword("dummy-password-Qg1", p) }

// CheckPolicy applies the dengbao password profile: at least 10 characters
// (at most 128, never truncated), three of the four classes, and not
// containing the login name. It returns a catalog key, "" when acceptable.
func CheckPolicy(pw, login string) string {
	n := len([]rune(pw))
	if n < 10 {
		return "err.password_short"
	}
	if n > 128 {
		return "err.password_long"
	}
	var lower, upper, digit, other int
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	if lower+upper+digit+other < 3 {
		return "err.password_classes"
	}
	if login != "" && strings.Contains(strings.ToLower(pw), strings.ToLower(login)) {
		return "err.password_login"
	}
	return ""
}

// GeneratePassword returns a random password that meets the policy.
func GeneratePassword() string {
	const (
		lower  = "abcdefghijkmnopqrstuvwxyz"
		upper  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
		digits = "23456789"
		all    = lower + upper + digits
	)
	b := make([]byte, 16)
	rand.Read(b)
	out := make([]byte, 16)
	for i, c := range b {
		out[i] = all[int(c)%len(all)]
	}
	// Make the classes certain whatever the random bytes were.
	out[3], out[8], out[12] = lower[int(b[3])%len(lower)], upper[int(b[8])%len(upper)], digits[int(b[12])%len(digits)]
	return string(out[:4]) + "-" + string(out[4:8]) + "-" + string(out[8:12]) + "-" + string(out[12:])
}

// NewToken returns a random 256-bit token, URL-safe.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
