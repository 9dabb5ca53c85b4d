// Package attach checks and serves files people attach to records (a
// nomination's evidence, an objection's, an innovation's drawings): at
// most Max bytes, a PDF, JPEG or PNG by its content, never by its name
// or the type the sender gave, kept in the database with the record.
package attach

import (
	"net/http"
	"net/url"
	"path"
	"strings"
	"unicode/utf8"
)

// Max is the largest file accepted.
const Max = 5 << 20

// types are the content types accepted, as http.DetectContentType names
// them bare, with the extension a nameless file gets.
var types = map[string]string{"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

// File is a file: its name, type and content (base64 in JSON). The type
// given is not trusted; the content decides it.
type File struct {
	Name string `json:"name"`
	Type string `json:"type,omitempty"`
	Data []byte `json:"data"`
}

// Clean checks in and returns it with its sniffed type and a safe name
// (a nameless or unsafe one becomes "attachment.<ext>"), or what is wrong:
// "size" or "type".
func Clean(in *File) (File, string) {
	if len(in.Data) > Max {
		return File{}, "size"
	}
	typ := http.DetectContentType(in.Data)
	ext, ok := types[typ]
	if !ok {
		return File{}, "type"
	}
	name := path.Base(strings.ReplaceAll(strings.TrimSpace(in.Name), "\\", "/"))
	if name == "." || name == "/" || utf8.RuneCountInString(name) > 100 || strings.ContainsAny(name, "\"\r\n") {
		name = ""
	}
	if name == "" {
		name = "attachment" + ext
	}
	return File{Name: name, Type: typ, Data: in.Data}, ""
}

// Serve sends f as a download that the browser never renders in place
// (no sniffing, attachment disposition).
func Serve(w http.ResponseWriter, f *File) error {
	w.Header().Set("Content-Type", f.Type)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(f.Name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err := w.Write(f.Data)
	return err
}

// Ext is the extension of an accepted type ("" for another).
func Ext(typ string) string { return types[typ] }
