package web

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Languages the UI speaks; the first is the default.
var Languages = []string{"zh-CN", "en"}

//go:embed i18n/*.json
var catalogFiles embed.FS

// catalog maps language → key → message. It is static data read once from
// the embedded files; a missing key shows the key itself, and a test
// checks that both languages hold every key the code uses.
var catalog = loadCatalog()

func loadCatalog() map[string]map[string]string {
	c := map[string]map[string]string{}
	for _, l := range Languages {
		b, err := catalogFiles.ReadFile("i18n/" + l + ".json")
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("web: catalog %s: %v", l, err))
		}
		c[l] = m
	}
	return c
}

// Catalog returns the messages of one language (for tests).
func Catalog(lang string) map[string]string { return catalog[lang] }

type langKey struct{}

// WithLang returns ctx speaking lang.
func WithLang(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, langKey{}, lang)
}

// Lang is the language of the request, "zh-CN" unless chosen otherwise.
func Lang(ctx context.Context) string {
	if l, ok := ctx.Value(langKey{}).(string); ok {
		return l
	}
	return Languages[0]
}

// T translates key into the request's language.
func T(ctx context.Context, key string) string {
	if m, ok := catalog[Lang(ctx)][key]; ok {
		return m
	}
	if m, ok := catalog[Languages[0]][key]; ok {
		return m
	}
	return key
}

// Tf translates key and formats it with args.
func Tf(ctx context.Context, key string, args ...any) string {
	return fmt.Sprintf(T(ctx, key), args...)
}

// pickLang reads the language cookie, then Accept-Language.
func pickLang(r *http.Request) string {
	if c, err := r.Cookie("qg_lang"); err == nil {
		for _, l := range Languages {
			if c.Value == l {
				return l
			}
		}
	}
	if q := r.URL.Query().Get("lang"); q == "en" || q == "zh-CN" {
		return q
	}
	al := strings.ToLower(r.Header.Get("Accept-Language"))
	if strings.HasPrefix(al, "en") {
		return "en"
	}
	return Languages[0]
}
