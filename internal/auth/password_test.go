package auth_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"qinggong/internal/auth"
)

func TestCheckPolicy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, pw, login, want string
	}{
		{"Short", "Ab1!xyz", "", "err.password_short"},
		{"NineRunes", "Abcdefg1!", "", "err.password_short"},
		{"TenRunesOK", "Abcdefgh1!", "", ""},
		{"ShortInRunesLongInBytes", "团团团团团团Ab1", "", "err.password_short"},
		{"HanAsOtherClass", "团团团团团团团Ab1", "", ""},
		{"TwoClassesLowerDigit", "abcdefgh1234", "", "err.password_classes"},
		{"TwoClassesUpperOther", "ABCDEFGH!!!!", "", "err.password_classes"},
		{"OneClass", "aaaaaaaaaaaaaaaa", "", "err.password_classes"},
		{"ThreeClassesNoOther", "Abcdefgh1234", "", ""},
		{"ThreeClassesNoDigit", "Abcdefgh-xyz", "", ""},
		{"ContainsLogin", "Zhangsan-2025", "zhangsan", "err.password_login"},
		{"ContainsLoginOtherCase", "xxZHANGSANxx1", "zhangsan", "err.password_login"},
		{"LoginNotContained", "Zhang-san-2025", "zhangsan", ""},
		{"64OK", "Aa1-" + strings.Repeat("x", 60), "", ""},
		{"128OK", "Aa1-" + strings.Repeat("x", 124), "", ""},
		{"129Rejected", "Aa1-" + strings.Repeat("x", 125), "", "err.password_long"},
		{"129RunesRejected", "Aa1-" + strings.Repeat("团", 125), "", "err.password_long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := auth.CheckPolicy(tc.pw, tc.login); got != tc.want {
				t.Errorf("CheckPolicy(%q, %q) = %q, want %q", tc.pw, tc.login, got, tc.want)
			}
		})
	}
}

// FuzzCheckPolicy checks every accepted password against each rule,
// restated here independently of the implementation.
func FuzzCheckPolicy(f *testing.F) {
	for _, s := range [][2]string{
		{"Abcdefgh1!", "alice"}, {"Alice-Password-1", "alice"}, {"团团团团团团团Ab1", "bob"},
		{"ALICE12345!", "alice"}, {"aB3" + strings.Repeat("z", 200), "zz"}, {"\xff\xfe\xfdAb1-xxxxx", "abc"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pw, login string) {
		if auth.CheckPolicy(pw, login) != "" {
			return
		}
		if n := utf8.RuneCountInString(pw); n < 10 || n > 128 {
			t.Fatalf("accepted %q of %d characters", pw, n)
		}
		var lower, upper, digit, other bool
		for _, r := range pw {
			switch {
			case unicode.IsLower(r):
				lower = true
			case unicode.IsUpper(r):
				upper = true
			case unicode.IsDigit(r):
				digit = true
			default:
				other = true
			}
		}
		classes := 0
		for _, b := range []bool{lower, upper, digit, other} {
			if b {
				classes++
			}
		}
		if classes < 3 {
			t.Fatalf("accepted %q with %d character classes", pw, classes)
		}
		// Logins are ASCII; an ASCII case fold is enough to find one.
		if login != "" && isASCII(login) && strings.Contains(asciiLower(pw), asciiLower(login)) {
			t.Fatalf("accepted %q containing the login %q", pw, login)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func TestHashPassword(t *testing.T) {
	t.Parallel()
	h := auth.HashPassword(testPassword, auth.TestHash)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash = %s", h)
	}
	if strings.Contains(h, testPassword) {
		t.Error("hash holds the password")
	}
	t.Run("OK", func(t *testing.T) {
		if ok, stale := auth.CheckPassword(testPassword, h, auth.TestHash); !ok || stale {
			t.Errorf("CheckPassword = %v, %v; want true, false", ok, stale)
		}
	})
	t.Run("Wrong", func(t *testing.T) {
		for _, pw := range []string{"", "qinggong-test-2025", testPassword + " ", testPassword[:len(testPassword)-1]} {
			if ok, _ := auth.CheckPassword(pw, h, auth.TestHash); ok {
				t.Errorf("CheckPassword(%q) accepted", pw)
			}
		}
	})
	t.Run("Salted", func(t *testing.T) {
		if h2 := auth.HashPassword(testPassword, auth.TestHash); h2 == h {
			t.Error("two hashes of one password are equal")
		}
	})
	t.Run("Stale", func(t *testing.T) {
		for _, want := range []auth.HashParams{
			{Time: 2, Memory: 64, Threads: 1}, {Time: 1, Memory: 128, Threads: 1}, {Time: 1, Memory: 64, Threads: 2}, auth.DefaultHash,
		} {
			if ok, stale := auth.CheckPassword(testPassword, h, want); !ok || !stale {
				t.Errorf("CheckPassword against %+v = %v, %v; want true, true", want, ok, stale)
			}
		}
		// A hash made with other parameters still verifies with its own.
		h2 := auth.HashPassword(testPassword, auth.HashParams{Time: 2, Memory: 128, Threads: 2})
		if ok, stale := auth.CheckPassword(testPassword, h2, auth.TestHash); !ok || !stale {
			t.Errorf("CheckPassword of a t=2 hash = %v, %v; want true, true", ok, stale)
		}
	})
	t.Run("Malformed", func(t *testing.T) {
		parts := strings.Split(h, "$")
		for _, bad := range []string{
			"", "plain", "$argon2i$" + strings.Join(parts[2:], "$"), strings.Replace(h, "p=1", "p=0", 1),
			strings.Replace(h, "m=64", "m=x", 1), h + "$extra", strings.Join(parts[:5], "$") + "$!!!",
		} {
			if ok, stale := auth.CheckPassword(testPassword, bad, auth.TestHash); ok || stale {
				t.Errorf("CheckPassword(%q) = %v, %v; want false, false", bad, ok, stale)
			}
		}
	})
}

func TestGeneratePassword(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 200 {
		pw := auth.GeneratePassword()
		if msg := auth.CheckPolicy(pw, "someone"); msg != "" {
			t.Fatalf("generated %q fails the policy: %s", pw, msg)
		}
		if seen[pw] {
			t.Fatalf("generated %q twice", pw)
		}
		seen[pw] = true
	}
}

func TestNewToken(t *testing.T) {
	t.Parallel()
	a, b := auth.NewToken(), auth.NewToken()
	if a == b || len(a) != 43 || strings.ContainsAny(a, "+/=") {
		t.Errorf("tokens %q %q", a, b)
	}
}
