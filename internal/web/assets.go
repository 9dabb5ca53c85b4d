package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed assets
var assetFS embed.FS

type asset struct {
	body []byte
	typ  string
}

// assets maps a content-hashed name ("app.3f2a9c1d.css") to the file, and
// assetURLs the plain name to its hashed URL. Hashed URLs can be cached
// forever: a changed file gets a new URL.
var assets, assetURLs = loadAssets()

func loadAssets() (map[string]asset, map[string]string) {
	byHash, urls := map[string]asset{}, map[string]string{}
	entries, err := fs.ReadDir(assetFS, "assets")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		b, err := assetFS.ReadFile("assets/" + e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(e.Name())
		hashed := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:4]) + ext
		byHash[hashed] = asset{body: b, typ: assetType(ext)}
		urls[e.Name()] = "/assets/" + hashed
	}
	return byHash, urls
}

// assetType is ext's media type. Go's own table lacks .ico, and what the
// system's mime.types says (if it exists) differs between hosts.
func assetType(ext string) string {
	if ext == ".ico" {
		return "image/x-icon"
	}
	return mime.TypeByExtension(ext)
}

// Favicon serves the icon at the address browsers ask for by themselves.
// That address has no hash in it, so it is cached for a day, not forever.
func Favicon(w http.ResponseWriter, r *http.Request) error {
	a := assets[strings.TrimPrefix(Asset("favicon.ico"), "/assets/")]
	w.Header().Set("Content-Type", a.typ)
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(a.body)
	return nil
}

// Asset returns the hashed URL of an embedded asset.
func Asset(name string) string {
	if u, ok := assetURLs[name]; ok {
		return u
	}
	panic("web: unknown asset " + name)
}

// ServeAsset serves an embedded asset by its hashed name.
func ServeAsset(w http.ResponseWriter, r *http.Request) error {
	a, ok := assets[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return nil
	}
	w.Header().Set("Content-Type", a.typ)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(a.body)
	return nil
}
