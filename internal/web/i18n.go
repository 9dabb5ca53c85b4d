package web

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// Languages the UI speaks; the first is the default.
var Languages = []string{"zh-CN", "en"}

//go:embed i18n/*.json
var catalogFiles embed.FS

// catalog maps language → key → message. It is static data read once from
// the embedded files: i18n/<lang>.json and, so that each module can keep
// its own messages, i18n/<module>.<lang>.json. A key defined twice stops
// the start; a missing key shows the key itself, and a test checks that
// both languages hold every key the code uses.
var catalog = loadCatalog()

func loadCatalog() map[string]map[string]string {
	c := map[string]map[string]string{}
	files, err := fs.Glob(catalogFiles, "i18n/*.json")
	if err != nil {
		panic(err)
	}
	for _, l := range Languages {
		c[l] = map[string]string{}
	}
	for _, f := range files {
		base := strings.TrimSuffix(path.Base(f), ".json")
		lang := ""
		for _, l := range Languages {
			if base == l || strings.HasSuffix(base, "."+l) {
				lang = l
			}
		}
		if lang == "" {
			panic("web: catalog file " + f + " names no language")
		}
		b, err := catalogFiles.ReadFile(f)
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("web: catalog %s: %v", f, err))
		}
		for k, v := range m {
			if _, dup := c[lang][k]; dup {
				panic(fmt.Sprintf("web: catalog key %s defined twice (%s)", k, f))
			}
			c[lang][k] = v
		}
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
