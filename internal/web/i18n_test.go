package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCatalogComplete checks that both languages hold the same keys and
// every key written literally in the code exists.
func TestCatalogComplete(t *testing.T) {
	zh, en := Catalog("zh-CN"), Catalog("en")
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("en lacks %q", k)
		}
	}
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("zh-CN lacks %q", k)
		}
	}
	used := regexp.MustCompile(`"((?:err|flash|nav|pillar|login|home|page)\.[a-z_]+)"|T\(ctx, "([a-z_]+\.[a-z_.]+)"\)`)
	filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, "_templ.go") || strings.HasSuffix(path, "_test.go") ||
			!(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".templ")) {
			return nil
		}
		b, _ := os.ReadFile(path)
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			k := m[1] + m[2]
			if _, ok := zh[k]; !ok {
				t.Errorf("%s uses %q, missing from the catalog", path, k)
			}
		}
		return nil
	})
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"/orgs/1": "/orgs/1", "//evil.example": "/", "https://evil.example": "/", "/\\evil": "/", "": "/"} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
