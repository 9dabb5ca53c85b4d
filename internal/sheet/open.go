package sheet

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Reader returns the rows of the first worksheet of an .xlsx or of a CSV,
// one at a time. It is not safe for concurrent use.
type Reader struct {
	lim    Limits
	src    rowSource
	header []string
	rows   int
	err    error
}

// rowSource yields physical rows. next returns the row's number and its
// first width cells (shorter slices mean empty cells), and whether a
// non-blank cell lay further right. It returns io.EOF at the end.
type rowSource interface {
	next(width int) (no int, cells []Cell, beyond bool, err error)
	close() error
	// estimate is how many rows the file says or seems to hold, header
	// included (0: it does not say).
	estimate() int
}

// Open checks the file and reads its header. The name's extension must be
// .xlsx or .csv (any case) and agree with the content; size is the number
// of bytes readable from r. Open refuses, before parsing any row: files
// over MaxFileBytes (ErrTooLarge), other types including .xls, .docx, PDF
// and images (ErrFileType), xlsx archives whose parts exceed MaxUnzipped or
// MaxRatio (ErrZipBomb), tables that declare or clearly hold more than
// MaxRows rows (ErrTooManyRows), and files without a usable header
// (ErrNoHeader). A CSV may be UTF-8 (with or without BOM) or GB18030/GBK;
// its values are returned as UTF-8. The caller must Close the Reader.
func Open(name string, r io.ReaderAt, size int64, lim Limits) (*Reader, error) {
	lim = lim.withDefaults()
	if size > lim.MaxFileBytes {
		return nil, ErrTooLarge
	}
	if size < 0 {
		return nil, ErrCorrupt
	}
	ext := strings.ToLower(filepath.Ext(name))
	if ext != ".xlsx" && ext != ".csv" {
		return nil, ErrFileType
	}
	var head [8]byte
	n, err := r.ReadAt(head[:min(int64(len(head)), size)], 0)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("%w: read: %w", ErrCorrupt, err)
	}
	kind := sniff(head[:n])
	var src rowSource
	switch {
	case kind == kindZip && ext == ".xlsx":
		src, err = openXLSX(r, size, lim)
	case kind == kindText && ext == ".csv":
		src, err = openCSV(r, size, lim)
	default:
		return nil, ErrFileType
	}
	if err != nil {
		return nil, err
	}
	rd := &Reader{lim: lim, src: src}
	if err := rd.readHeader(); err != nil {
		src.close()
		return nil, err
	}
	return rd, nil
}

type fileKind int

const (
	kindText fileKind = iota // possibly text: decided by the CSV checks
	kindZip
	kindBinary
)

// Magic numbers of formats people upload by mistake. Anything not listed
// that is binary is caught by the CSV checks (NUL bytes, invalid encoding).
var binaryMagic = [][]byte{
	{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, // OLE2: .xls, .doc, encrypted .xlsx
	[]byte("%PDF-"),
	{0x89, 'P', 'N', 'G'},
	{0xFF, 0xD8, 0xFF},
	[]byte("GIF8"),
	{0x1F, 0x8B},                 // gzip
	[]byte("7z\xBC\xAF\x27\x1C"), // 7-Zip
	[]byte("Rar!"),
	[]byte("BM"),         // bitmap; refused here only with a NUL in the first bytes
	[]byte("PK\x05\x06"), // empty zip
	[]byte("PK\x07\x08"), // spanned zip
}

func sniff(head []byte) fileKind {
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return kindZip
	}
	for _, m := range binaryMagic {
		if bytes.HasPrefix(head, m) {
			if string(m) == "BM" && bytes.IndexByte(head, 0) < 0 {
				continue
			}
			return kindBinary
		}
	}
	return kindText
}

func (r *Reader) readHeader() error {
	for {
		_, cells, beyond, err := r.src.next(r.lim.MaxColumns)
		if err == io.EOF {
			return ErrNoHeader
		}
		if err != nil {
			return err
		}
		h := make([]string, 0, len(cells))
		for _, c := range cells {
			if c.TooLong {
				return fmt.Errorf("%w: header cell too long", ErrNoHeader)
			}
			h = append(h, strings.TrimSpace(strings.TrimPrefix(c.Value, "\uFEFF")))
		}
		for len(h) > 0 && h[len(h)-1] == "" {
			h = h[:len(h)-1]
		}
		if beyond {
			return fmt.Errorf("%w: more than %d columns", ErrNoHeader, r.lim.MaxColumns)
		}
		if len(h) > 0 {
			r.header = h
			return nil
		}
	}
}

// Estimate is about how many data rows the file holds, known before they
// are read (for progress): an xlsx sheet's declared dimension, a CSV's
// non-empty lines (a quoted cell over several lines counts each). 0 when
// the file does not say; rows may be fewer (blank rows are skipped).
func (r *Reader) Estimate() int { return max(r.src.estimate()-1, 0) }

// Header returns the first non-empty row with each cell trimmed of spaces
// and trailing empty columns dropped. It has at least one column and at
// most MaxColumns. The caller must not modify it.
func (r *Reader) Header() []string { return r.header }

// Next returns the next row that has a non-blank cell within the header's
// columns, or io.EOF after the last one. Cells right of the header are
// ignored. After MaxRows rows it returns ErrTooManyRows; after any error it
// keeps returning that error.
func (r *Reader) Next() (Row, error) {
	for r.err == nil {
		no, cells, _, err := r.src.next(len(r.header))
		if err != nil {
			r.err = err
			break
		}
		empty := true
		for _, c := range cells {
			if !c.blank() {
				empty = false
				break
			}
		}
		if empty {
			continue
		}
		if r.rows++; r.rows > r.lim.MaxRows {
			r.err = ErrTooManyRows
			break
		}
		if len(cells) < len(r.header) {
			full := make([]Cell, len(r.header))
			copy(full, cells)
			cells = full
		}
		return Row{No: no, Cells: cells}, nil
	}
	return Row{}, r.err
}

// Close releases the resources of the Reader. It does not close the
// io.ReaderAt given to Open.
func (r *Reader) Close() error {
	if r.err == nil {
		r.err = io.EOF
	}
	return r.src.close()
}
