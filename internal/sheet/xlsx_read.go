package sheet

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
)

// xlsxSource streams the rows of one worksheet part.
type xlsxSource struct {
	rc       io.Closer
	s        *xmlScanner
	sst      *sharedStrings
	dates    []bool
	date1904 bool
	lastRow  int
	done     bool
	dimRows  int // rows the sheet's <dimension> spans (0: none)
	acc      textAcc

	// The values of a row that are not shared strings or constants are
	// appended to text, and pos says where each cell's is: the row then
	// costs one string instead of one per cell.
	text  []byte
	pos   []textPos
	dead  int    // bytes of text no cell refers to any more
	spare []byte // for compact
	unesc []byte // a value with _xHHHH_ escapes decoded
}

type textPos struct{ from, to int }

// cellType is a cell's t attribute.
type cellType uint8

const (
	cellNumber  cellType = iota // "n" or none
	cellShared                  // "s": an index into the shared strings
	cellBool                    // "b"
	cellISODate                 // "d"
	cellInline                  // "inlineStr": the text is in <is>, not <v>
	cellOther                   // "str" (a formula's string result), "e" (an error value), unknown
)

func cellTypeOf(t []byte) cellType {
	switch string(t) {
	case "", "n":
		return cellNumber
	case "s":
		return cellShared
	case "b":
		return cellBool
	case "d":
		return cellISODate
	case "inlineStr":
		return cellInline
	}
	return cellOther
}

const maxColumn = 16384 // XFD, the widest sheet Excel allows

// openWorksheet opens the worksheet part and reads it up to <sheetData>.
func openWorksheet(a *archive, wb workbook, sst *sharedStrings, dates []bool, lim Limits) (*xlsxSource, error) {
	rc, err := a.open(wb.sheet)
	if err != nil {
		return nil, err
	}
	return startSheet(rc, wb.sheet, sst, dates, wb.date1904, lim)
}

// startSheet positions the scanner at <sheetData>, refusing a sheet whose
// <dimension> spans more than MaxRows rows below its first row. It
// closes rc on error.
func startSheet(rc io.ReadCloser, part string, sst *sharedStrings, dates []bool, date1904 bool, lim Limits) (*xlsxSource, error) {
	x := &xlsxSource{rc: rc, s: newXMLScanner(rc, part), sst: sst, dates: dates, date1904: date1904,
		acc: textAcc{max: lim.MaxCellBytes}}
	x.s.sink = &x.acc
	for {
		ev, err := x.s.next()
		if err != nil {
			rc.Close()
			return nil, err
		}
		if ev == xmlEOF {
			x.done = true
			return x, nil
		}
		if ev != xmlStart {
			continue
		}
		switch string(x.s.localName()) {
		case "dimension":
			first, last, _ := bytes.Cut(x.s.attr("ref"), []byte(":"))
			_, r1, ok1 := cellRef(first)
			_, r2, ok2 := cellRef(last)
			if ok1 && ok2 && r2-r1 > lim.MaxRows {
				rc.Close()
				return nil, fmt.Errorf("%w: sheet dimension spans %d rows", ErrTooManyRows, r2-r1+1)
			}
			if ok1 && ok2 && r2 >= r1 {
				x.dimRows = r2 - r1 + 1
			}
		case "sheetData":
			return x, nil
		}
	}
}

func (x *xlsxSource) close() error { return x.rc.Close() }

func (x *xlsxSource) estimate() int { return x.dimRows }

func (x *xlsxSource) corrupt(what string) error {
	return fmt.Errorf("%w: %s: %s", ErrCorrupt, x.s.part, what)
}

func (x *xlsxSource) next(width int) (int, []Cell, bool, error) {
	for !x.done {
		ev, err := x.s.next()
		if err != nil {
			return 0, nil, false, err
		}
		switch {
		case ev == xmlEOF:
			return 0, nil, false, x.corrupt("unexpected end")
		case ev == xmlEnd && string(x.s.localName()) == "sheetData":
			x.done = true
		case ev == xmlStart && string(x.s.localName()) == "row":
			no := x.lastRow + 1
			if r := x.s.attr("r"); len(r) > 0 {
				if no, err = strconv.Atoi(string(r)); err != nil || no < 1 {
					return 0, nil, false, x.corrupt("bad row number")
				}
			}
			x.lastRow = no
			cells, beyond, err := x.row(width)
			return no, cells, beyond, err
		}
	}
	return 0, nil, false, io.EOF
}

// row reads the cells of the current <row> up to its end tag. Cells are
// placed by their reference; a cell without one follows the previous.
func (x *xlsxSource) row(width int) ([]Cell, bool, error) {
	cells := make([]Cell, width)
	if cap(x.pos) < width {
		x.pos = make([]textPos, width)
	}
	x.text, x.pos, x.dead = x.text[:0], x.pos[:width], 0
	clear(x.pos)
	col, beyond := 0, false
	for {
		ev, err := x.s.next()
		if err != nil {
			return nil, false, err
		}
		switch {
		case ev == xmlEOF:
			return nil, false, x.corrupt("unexpected end")
		case ev == xmlEnd && string(x.s.localName()) == "row":
			if len(x.text) > 0 {
				text := string(x.text)
				for i, p := range x.pos {
					if p.to > p.from {
						cells[i].Value = text[p.from:p.to]
					}
				}
			}
			return cells, beyond, nil
		case ev != xmlStart || string(x.s.localName()) != "c":
			continue
		}
		if r := x.s.attr("r"); len(r) > 0 {
			c, _, ok := cellRef(r)
			if !ok {
				return nil, false, x.corrupt("bad cell reference")
			}
			col = c
		} else if col++; col > maxColumn {
			return nil, false, x.corrupt("too many cells in a row")
		}
		typ, date := cellTypeOf(x.s.attr("t")), x.isDate(x.s.attr("s"))
		from := len(x.text)
		c, inText, err := x.cell(typ, date)
		if err != nil {
			return nil, false, err
		}
		switch {
		case col <= width:
			cells[col-1] = c
			old := x.pos[col-1]
			x.pos[col-1] = textPos{}
			if inText {
				x.pos[col-1] = textPos{from, len(x.text)}
			}
			// A row may repeat a column any number of times.
			if x.dead += old.to - old.from; x.dead > 64<<10 && x.dead > len(x.text)/2 {
				x.compact()
			}
		case inText:
			beyond = beyond || len(bytes.TrimSpace(x.text[from:])) > 0
			x.text = x.text[:from]
		default:
			beyond = beyond || !c.blank()
		}
	}
}

// compact drops the text of the cells that a later cell of the same
// column replaced.
func (x *xlsxSource) compact() {
	x.spare = x.spare[:0]
	for i, p := range x.pos {
		if p.to > p.from {
			x.pos[i] = textPos{len(x.spare), len(x.spare) + p.to - p.from}
			x.spare = append(x.spare, x.text[p.from:p.to]...)
		}
	}
	x.text, x.spare, x.dead = x.spare, x.text, 0
}

// cell reads one <c> element up to its end tag. Text is collected from
// <v>, or for an inline string from <t> outside phonetic runs <rPh>.
func (x *xlsxSource) cell(typ cellType, date bool) (Cell, bool, error) {
	x.acc.reset()
	x.s.collect = false
	var c Cell
	rph := 0
	for {
		ev, err := x.s.next()
		if err != nil {
			return c, false, err
		}
		switch ev {
		case xmlEOF:
			return c, false, x.corrupt("unexpected end")
		case xmlStart:
			switch string(x.s.localName()) {
			case "f":
				c.Formula = true
			case "v":
				x.s.collect = typ != cellInline
			case "t":
				x.s.collect = typ == cellInline && rph == 0
			case "rPh":
				rph++
			}
		case xmlEnd:
			switch string(x.s.localName()) {
			case "c":
				x.s.collect = false
				return x.value(c, typ, date)
			case "v", "t":
				x.s.collect = false
			case "rPh":
				rph--
			}
		}
	}
}

// value turns the collected text into the cell value for the cell type.
// A value that is not a constant or a shared string is appended to
// x.text, and value reports true.
func (x *xlsxSource) value(c Cell, typ cellType, date bool) (Cell, bool, error) {
	if x.acc.long {
		c.TooLong = true
		return c, false, nil
	}
	v := x.acc.buf
	if bytes.Contains(v, xEscape) {
		x.unesc = appendUnescaped(x.unesc[:0], v)
		v = x.unesc
	}
	switch typ {
	case cellShared:
		i, err := strconv.Atoi(string(bytes.TrimSpace(v)))
		s, long, ok := "", false, false
		if err == nil && x.sst != nil {
			s, long, ok = x.sst.get(i)
		}
		if !ok {
			return c, false, x.corrupt("shared string index out of range")
		}
		c.Value, c.TooLong = s, long
		return c, false, nil
	case cellBool:
		switch string(bytes.TrimSpace(v)) {
		case "1":
			c.Value = "TRUE"
			return c, false, nil
		case "0":
			c.Value = "FALSE"
			return c, false, nil
		}
	case cellISODate:
		if d, ok := isoDate(v); ok && date {
			v = d
		}
	case cellNumber:
		if date {
			if text, ok := appendSerialDate(x.text, v, x.date1904); ok {
				x.text = text
				return c, true, nil
			}
		}
	}
	x.text = append(x.text, v...)
	return c, true, nil
}

func (x *xlsxSource) isDate(style []byte) bool {
	if len(style) == 0 || len(x.dates) == 0 {
		return false
	}
	i, err := strconv.Atoi(string(style))
	return err == nil && i >= 0 && i < len(x.dates) && x.dates[i]
}

// cellRef parses a reference such as "C7" into column 3 and row 7.
func cellRef(ref []byte) (col, row int, ok bool) {
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
	row, err := strconv.Atoi(string(ref[i:]))
	if err != nil || row < 1 {
		return 0, 0, false
	}
	return col, row, true
}
