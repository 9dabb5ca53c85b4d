package web

import (
	"errors"
	"io"
	"net/http"

	"qinggong/internal/errs"
)

// Upload reads an uploaded file of at most max bytes: the multipart field
// "file" of a form, or, for API clients, the raw request body named by
// ?name=. A missing file or one too large is a field message on "file".
func Upload(w http.ResponseWriter, r *http.Request, max int64) (name string, data []byte, err error) {
	tooLarge := (errs.Fields{"file": "err.file_too_large"}).Err()
	r.Body = http.MaxBytesReader(w, r.Body, max+1<<20) // the multipart envelope's share
	if name = r.URL.Query().Get("name"); name != "" {
		data, err = io.ReadAll(io.LimitReader(r.Body, max+1))
		var big *http.MaxBytesError
		switch {
		case errors.As(err, &big) || int64(len(data)) > max:
			return "", nil, tooLarge
		case err != nil:
			return "", nil, err
		}
		return name, data, nil
	}
	f, hdr, err := r.FormFile("file")
	var big *http.MaxBytesError
	switch {
	case errors.As(err, &big):
		return "", nil, tooLarge
	case err != nil:
		return "", nil, (errs.Fields{"file": "err.required"}).Err()
	}
	defer f.Close()
	if hdr.Size > max {
		return "", nil, tooLarge
	}
	if data, err = io.ReadAll(io.LimitReader(f, max+1)); err != nil {
		return "", nil, err
	}
	if int64(len(data)) > max {
		return "", nil, tooLarge
	}
	return hdr.Filename, data, nil
}
