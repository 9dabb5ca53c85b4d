// Package sheet reads uploaded tables (.xlsx and .csv) safely and in
// constant memory per row, and writes .xlsx files by streaming.
//
// Reading is built for hostile input: the file type is decided by content,
// zip bombs and oversized parts are refused before any row is parsed, no
// cell value longer than Limits.MaxCellBytes is ever returned, memory is
// bounded by the Limits whatever the file, and every error Open or Next
// returns (but io.EOF) wraps one of the sentinel errors below, whose
// Error() is a key of the message catalog. Error messages never carry cell
// contents.
package sheet

import (
	"errors"
	"strings"
)

// Errors returned (wrapped) by Open and Reader.Next. Their Error() strings
// are message catalog keys; match them with errors.Is.
var (
	// ErrFileType: the name is not .xlsx/.csv, the content is not a
	// spreadsheet or text table, or the content disagrees with the name.
	ErrFileType = errors.New("err.file_type")
	// ErrTooLarge: the file is larger than Limits.MaxFileBytes.
	ErrTooLarge = errors.New("err.file_too_large")
	// ErrZipBomb: an .xlsx part is too large, too highly compressed, lies
	// about its size, or the archive has an oversized directory.
	ErrZipBomb = errors.New("err.file_bomb")
	// ErrTooManyRows: more than Limits.MaxRows data rows.
	ErrTooManyRows = errors.New("err.file_rows")
	// ErrNoHeader: no non-empty first row, a header cell that is too
	// long, or a header wider than Limits.MaxColumns.
	ErrNoHeader = errors.New("err.file_header")
	// ErrCorrupt: the file has the right type but cannot be parsed.
	ErrCorrupt = errors.New("err.file_corrupt")
)

// Limits bound what Open accepts. Zero fields take the defaults.
type Limits struct {
	MaxFileBytes int64 // default 50 << 20: larger files are refused before parsing
	MaxUnzipped  int64 // default 512 << 20: total declared and actual uncompressed size of the xlsx parts read; a quarter of it bounds the shared string table held
	MaxRatio     int64 // default 100: compression ratio above which an xlsx part (over 1 MiB) is a zip bomb
	MaxCellBytes int   // default 4096: a longer cell is returned with TooLong set and an empty Value
	MaxRows      int   // default 200_000 non-empty data rows; more is ErrTooManyRows
	MaxColumns   int   // default 100: a wider header is ErrNoHeader; cells further right are never read
}

func (l Limits) withDefaults() Limits {
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = 50 << 20
	}
	if l.MaxUnzipped <= 0 {
		l.MaxUnzipped = 512 << 20
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = 100
	}
	if l.MaxCellBytes <= 0 {
		l.MaxCellBytes = 4096
	}
	if l.MaxRows <= 0 {
		l.MaxRows = 200_000
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = 100
	}
	return l
}

// Row is one non-empty data row.
type Row struct {
	// No is the 1-based row number as the user sees it in Excel (the
	// sheet's row number; for a CSV, the record number counting blank
	// lines, so a quoted multi-line cell is one row as in Excel).
	No int
	// Cells has exactly len(Header()) cells, aligned to the header columns.
	Cells []Cell
}

// Cell is one cell value as text.
type Cell struct {
	// Value is the cell's text: strings as stored, numbers as written in
	// the file ("5", "3.5", "3.10115199003071E+17"), dates in date-formatted
	// xlsx cells as "YYYY-MM-DD", booleans as "TRUE"/"FALSE", formula cells
	// as their cached result. Never longer than Limits.MaxCellBytes; empty
	// when TooLong.
	Value string
	// Formula is set for an xlsx cell that has a formula. CSV cells never
	// set it, even when they start with "=", "+", "-" or "@": a CSV has no
	// formulas, only text that a spreadsheet might evaluate when opened.
	Formula bool
	// TooLong is set when the cell held more than Limits.MaxCellBytes
	// bytes; the content was not kept.
	TooLong bool
}

// blank reports whether the cell counts as empty when skipping empty rows:
// a formula whose result is empty is blank too, so formula columns dragged
// down below the data do not turn into rows.
func (c Cell) blank() bool {
	return !c.TooLong && strings.TrimSpace(c.Value) == ""
}
