package web

import (
	"bytes"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"

	"qinggong/internal/errs"
)

func TestUpload(t *testing.T) {
	multi := func(content string) (*bytes.Buffer, string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("file", "名册.csv")
		fw.Write([]byte(content))
		mw.Close()
		return &b, mw.FormDataContentType()
	}
	fieldOf := func(err error) string {
		if e, ok := errs.As(err); ok {
			return e.Fields["file"]
		}
		return ""
	}
	t.Run("Multipart", func(t *testing.T) {
		body, ct := multi("a,b\n1,2\n")
		r := httptest.NewRequest("POST", "/x", body)
		r.Header.Set("Content-Type", ct)
		name, data, err := Upload(httptest.NewRecorder(), r, 100)
		if err != nil || name != "名册.csv" || string(data) != "a,b\n1,2\n" {
			t.Fatalf("= %q %q %v", name, data, err)
		}
	})
	t.Run("Raw", func(t *testing.T) {
		r := httptest.NewRequest("POST", "/x?name=a.csv", strings.NewReader("a\n1\n"))
		name, data, err := Upload(httptest.NewRecorder(), r, 100)
		if err != nil || name != "a.csv" || string(data) != "a\n1\n" {
			t.Fatalf("= %q %q %v", name, data, err)
		}
	})
	t.Run("ErrTooLarge", func(t *testing.T) {
		body, ct := multi(strings.Repeat("x", 101))
		r := httptest.NewRequest("POST", "/x", body)
		r.Header.Set("Content-Type", ct)
		if _, _, err := Upload(httptest.NewRecorder(), r, 100); fieldOf(err) != "err.file_too_large" {
			t.Fatalf("multipart: %v", err)
		}
		r = httptest.NewRequest("POST", "/x?name=a.csv", strings.NewReader(strings.Repeat("x", 101)))
		if _, _, err := Upload(httptest.NewRecorder(), r, 100); fieldOf(err) != "err.file_too_large" {
			t.Fatalf("raw: %v", err)
		}
	})
	t.Run("ErrRequired", func(t *testing.T) {
		r := httptest.NewRequest("POST", "/x", strings.NewReader(""))
		if _, _, err := Upload(httptest.NewRecorder(), r, 100); fieldOf(err) != "err.required" {
			t.Fatalf("= %v", err)
		}
	})
}
