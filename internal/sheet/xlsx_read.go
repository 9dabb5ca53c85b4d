package sheet

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// xlsxSource streams the rows of one worksheet part.
type xlsxSource struct {
	rc       io.ReadCloser
	d        *xml.Decoder
	part     string
	sst      *sharedStrings
	dates    []bool
	date1904 bool
	lastRow  int
	done     bool
	acc      textAcc
}

const maxColumn = 16384 // XFD, the widest sheet Excel allows

// openWorksheet positions the decoder at <sheetData>, refusing a sheet
// whose <dimension> spans more than MaxRows rows below its first row.
func openWorksheet(a *archive, wb workbook, sst *sharedStrings, dates []bool, lim Limits) (*xlsxSource, error) {
	rc, err := a.open(wb.sheet)
	if err != nil {
		return nil, err
	}
	x := &xlsxSource{rc: rc, d: newXMLDecoder(rc, lim.MaxCellBytes), part: wb.sheet, sst: sst, dates: dates,
		date1904: wb.date1904, acc: textAcc{max: lim.MaxCellBytes}}
	for {
		tok, err := x.d.RawToken()
		if err == io.EOF {
			x.done = true
			return x, nil
		}
		if err != nil {
			rc.Close()
			return nil, xmlErr(x.part, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "dimension":
			ref := attr(se, "ref")
			first, last, _ := strings.Cut(ref, ":")
			_, r1, ok1 := cellRef(first)
			_, r2, ok2 := cellRef(last)
			if ok1 && ok2 && r2-r1 > lim.MaxRows {
				rc.Close()
				return nil, fmt.Errorf("%w: sheet dimension spans %d rows", ErrTooManyRows, r2-r1+1)
			}
		case "sheetData":
			return x, nil
		}
	}
}

func (x *xlsxSource) close() error { return x.rc.Close() }

func (x *xlsxSource) next(width int) (int, []Cell, bool, error) {
	for !x.done {
		tok, err := x.d.RawToken()
		if err != nil {
			return 0, nil, false, xmlErr(x.part, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "row" {
				continue
			}
			no := x.lastRow + 1
			if r := attr(t, "r"); r != "" {
				if no, err = strconv.Atoi(r); err != nil || no < 1 {
					return 0, nil, false, fmt.Errorf("%w: %s: bad row number", ErrCorrupt, x.part)
				}
			}
			x.lastRow = no
			cells, beyond, err := x.row(width)
			return no, cells, beyond, err
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				x.done = true
			}
		}
	}
	return 0, nil, false, io.EOF
}

// row reads the cells of the current <row> up to its end tag. Cells are
// placed by their reference; a cell without one follows the previous.
func (x *xlsxSource) row(width int) ([]Cell, bool, error) {
	cells := make([]Cell, width)
	col, beyond := 0, false
	for {
		tok, err := x.d.RawToken()
		if err != nil {
			return nil, false, xmlErr(x.part, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" {
				continue
			}
			if r := attr(t, "r"); r != "" {
				c, _, ok := cellRef(r)
				if !ok {
					return nil, false, fmt.Errorf("%w: %s: bad cell reference", ErrCorrupt, x.part)
				}
				col = c
			} else if col++; col > maxColumn {
				return nil, false, fmt.Errorf("%w: %s: too many cells in a row", ErrCorrupt, x.part)
			}
			c, err := x.cell(t)
			if err != nil {
				return nil, false, err
			}
			if col <= width {
				cells[col-1] = c
			} else if !c.blank() {
				beyond = true
			}
		case xml.EndElement:
			if t.Name.Local == "row" {
				return cells, beyond, nil
			}
		}
	}
}

// cell reads one <c> element up to its end tag.
func (x *xlsxSource) cell(start xml.StartElement) (Cell, error) {
	typ, style := attr(start, "t"), attr(start, "s")
	x.acc.reset()
	var c Cell
	collect, rph := false, 0
	for {
		tok, err := x.d.RawToken()
		if err != nil {
			return c, xmlErr(x.part, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "f":
				c.Formula = true
			case "v":
				collect = typ != "inlineStr"
			case "t":
				collect = typ == "inlineStr" && rph == 0
			case "rPh":
				rph++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "c":
				return x.value(c, typ, style)
			case "v", "t":
				collect = false
			case "rPh":
				rph--
			}
		case xml.CharData:
			if collect {
				x.acc.add(t)
			}
		}
	}
}

// value turns the collected text into the cell value for the cell type.
func (x *xlsxSource) value(c Cell, typ, style string) (Cell, error) {
	v, long := x.acc.value()
	if long {
		c.TooLong = true
		return c, nil
	}
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		s, long, ok := "", false, false
		if err == nil && x.sst != nil {
			s, long, ok = x.sst.get(i)
		}
		if !ok {
			return c, fmt.Errorf("%w: %s: shared string index out of range", ErrCorrupt, x.part)
		}
		c.Value, c.TooLong = s, long
	case "b":
		switch c.Value = v; strings.TrimSpace(v) {
		case "1":
			c.Value = "TRUE"
		case "0":
			c.Value = "FALSE"
		}
	case "d":
		c.Value = v
		if d, ok := isoDate(v); ok && x.isDate(style) {
			c.Value = d
		}
	case "", "n":
		c.Value = v
		if x.isDate(style) {
			if d, ok := serialDate(v, x.date1904); ok {
				c.Value = d
			}
		}
	default: // inlineStr, str (formula string result), e (error value)
		c.Value = v
	}
	return c, nil
}

func (x *xlsxSource) isDate(style string) bool {
	if style == "" {
		return false
	}
	i, err := strconv.Atoi(style)
	return err == nil && i >= 0 && i < len(x.dates) && x.dates[i]
}

// cellRef parses a reference such as "C7" into column 3 and row 7.
func cellRef(ref string) (col, row int, ok bool) {
	i := 0
	for ; i < len(ref) && i < 4; i++ {
		c := ref[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
	}
	if i == 0 || col > maxColumn {
		return 0, 0, false
	}
	row, err := strconv.Atoi(ref[i:])
	if err != nil || row < 1 {
		return 0, 0, false
	}
	return col, row, true
}
