package sheet

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// csvSource reads records with encoding/csv behind csvBound (see
// csv_filter.go), which keeps every record it buffers small. A cell that
// starts with "=", "+", "-" or "@" is returned as text with Formula unset:
// a CSV has no formulas; refusing such text is the importer's choice.
type csvSource struct {
	cr      *csv.Reader
	maxCell int
	no      int
	lines   int // non-empty lines
}

func (c *csvSource) estimate() int { return c.lines }

func openCSV(r io.ReaderAt, size int64, lim Limits) (rowSource, error) {
	info, err := scanText(r, size)
	if err != nil {
		return nil, err
	}
	if info.nonEmpty-1 > lim.MaxRows {
		return nil, fmt.Errorf("%w: about %d rows", ErrTooManyRows, info.nonEmpty-1)
	}
	var text io.Reader = io.NewSectionReader(r, 0, size)
	if info.bom {
		text = io.NewSectionReader(r, 3, size-3)
	}
	if info.gb18030 {
		text = transform.NewReader(text, simplifiedchinese.GB18030.NewDecoder())
	}
	// One field past MaxColumns is kept so that a too wide header shows.
	cr := csv.NewReader(newCSVBound(text, lim.MaxCellBytes, lim.MaxColumns+1))
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &csvSource{cr: cr, maxCell: lim.MaxCellBytes, lines: info.nonEmpty}, nil
}

func (c *csvSource) next(width int) (int, []Cell, bool, error) {
	rec, err := c.cr.Read()
	if err == io.EOF {
		return 0, nil, false, io.EOF
	}
	if err != nil {
		if errors.Is(err, ErrCorrupt) {
			return 0, nil, false, err
		}
		// csv.ParseError and read errors carry positions, not contents.
		return 0, nil, false, fmt.Errorf("%w: csv: %w", ErrCorrupt, err)
	}
	c.no++
	cells := make([]Cell, width)
	beyond := false
	for i, v := range rec {
		cell := Cell{Value: v}
		if len(v) > c.maxCell {
			cell = Cell{TooLong: true}
		}
		if i < width {
			cells[i] = cell
		} else if !cell.blank() {
			beyond = true
		}
	}
	return c.no, cells, beyond, nil
}

func (c *csvSource) close() error { return nil }
