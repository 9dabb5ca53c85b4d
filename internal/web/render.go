package web

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"sync"

	"github.com/a-h/templ"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Render renders c into a pooled buffer and sends it in one write, with a
// Content-Length when the status has not been sent yet: one syscall
// instead of a chunked stream of small ones, and a half-rendered page is
// never sent when rendering fails.
func Render(ctx context.Context, w http.ResponseWriter, c templ.Component) error {
	buf := bufPool.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 {
			buf.Reset()
			bufPool.Put(buf)
		}
	}()
	if err := c.Render(ctx, buf); err != nil {
		return err
	}
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err := w.Write(buf.Bytes())
	return err
}
