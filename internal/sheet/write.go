package sheet

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// Writer streams an .xlsx with one sheet: constant memory per row.
// excelize's StreamWriter keeps rows in memory up to 16 MB and in a
// temporary file beyond that; Close writes the archive to the destination.
type Writer struct {
	f      *excelize.File
	sw     *excelize.StreamWriter
	w      io.Writer
	text   int // style: "@" (text)
	date   int // style: yyyy-mm-dd
	row    int
	cells  []any
	closed bool
}

// NewWriter starts an .xlsx whose only sheet is named sheet, with header as
// a bold first row frozen in place and colWidths (in Excel's character
// units; 0 or missing keeps the default) as column widths. Nothing is
// written to w before Close.
func NewWriter(w io.Writer, sheet string, header []string, colWidths []float64) (*Writer, error) {
	f := excelize.NewFile()
	fail := func(err error) (*Writer, error) {
		f.Close()
		return nil, fmt.Errorf("sheet: new writer: %w", err)
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fail(err)
	}
	st, err := newStyles(f)
	if err != nil {
		return fail(err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fail(err)
	}
	for i, wd := range colWidths {
		if wd > 0 {
			if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
				return fail(err)
			}
		}
	}
	if err := sw.SetPanes(freezeHeader()); err != nil {
		return fail(err)
	}
	hdr := make([]any, len(header))
	for i, h := range header {
		hdr[i] = excelize.Cell{StyleID: st.bold, Value: h}
	}
	if err := sw.SetRow("A1", hdr, excelize.RowOpts{StyleID: st.bold}); err != nil {
		return fail(err)
	}
	return &Writer{f: f, sw: sw, w: w, text: st.text, date: st.date, row: 1}, nil
}

type styles struct{ bold, text, date int }

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	dateFmt := "yyyy-mm-dd"
	if s.bold, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 49}); err != nil {
		return s, err
	}
	if s.text, err = f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil {
		return s, err
	}
	s.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	return s, err
}

func freezeHeader() *excelize.Panes {
	return &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}
}

// Row appends one row. Cells may be string (written as a text cell in "@"
// format, never as a formula, whatever it starts with: "=", "+", "-", "@",
// tab and CR included, so an 18-digit ID stays text and CSV-style
// injection cannot run), int, int64, float64 (numbers), time.Time (a
// yyyy-mm-dd date cell of its calendar date in its own location; dates
// before 1900-03-01 are written as text) or nil (an empty cell). Any other
// type is an error.
func (w *Writer) Row(cells ...any) error {
	if w.closed {
		return errors.New("sheet: row after close")
	}
	w.cells = w.cells[:0]
	for i, c := range cells {
		switch v := c.(type) {
		case nil:
			w.cells = append(w.cells, nil)
		case string:
			w.cells = append(w.cells, excelize.Cell{StyleID: w.text, Value: v})
		case int, int64, float64:
			w.cells = append(w.cells, v)
		case time.Time:
			w.cells = append(w.cells, w.dateCell(v))
		default:
			return fmt.Errorf("sheet: row %d column %d: unsupported type %T", w.row+1, i+1, c)
		}
	}
	w.row++
	cell, err := excelize.CoordinatesToCellName(1, w.row)
	if err != nil {
		return err
	}
	return w.sw.SetRow(cell, w.cells)
}

var excelLeapBug = time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)

func (w *Writer) dateCell(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if day.Before(excelLeapBug) {
		return excelize.Cell{StyleID: w.text, Value: day.Format("2006-01-02")}
	}
	serial := int64(day.Sub(epoch1900) / (24 * time.Hour))
	return excelize.Cell{StyleID: w.date, Value: serial}
}

// Close finishes the sheet and writes the whole .xlsx to w, then removes
// the temporary files. The Writer cannot be used afterwards.
func (w *Writer) Close() error {
	if w.closed {
		return errors.New("sheet: writer already closed")
	}
	w.closed = true
	defer w.f.Close()
	if err := w.sw.Flush(); err != nil {
		return fmt.Errorf("sheet: flush: %w", err)
	}
	if err := w.f.Write(w.w); err != nil {
		return fmt.Errorf("sheet: write: %w", err)
	}
	return nil
}
