package sheet

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The worksheet and shared string readers as they were on encoding/xml
// before xmlScanner, kept as the reference that the scanner is fuzzed
// against (xmldiff_test.go). encoding/xml holds whole text nodes, so these
// are for small inputs only.

func refDecoder(doc []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	return d
}

func refAttr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

var errRef = fmt.Errorf("%w: reference", ErrCorrupt)

type refSheet struct {
	d        *xml.Decoder
	sst      *sharedStrings
	dates    []bool
	date1904 bool
	lastRow  int
	done     bool
	acc      textAcc
}

func refStartSheet(doc []byte, sst *sharedStrings, dates []bool, date1904 bool, lim Limits) (*refSheet, error) {
	x := &refSheet{d: refDecoder(doc), sst: sst, dates: dates, date1904: date1904, acc: textAcc{max: lim.MaxCellBytes}}
	for {
		tok, err := x.d.RawToken()
		if err == io.EOF {
			x.done = true
			return x, nil
		}
		if err != nil {
			return nil, errRef
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "dimension":
			first, last, _ := strings.Cut(refAttr(se, "ref"), ":")
			_, r1, ok1 := cellRef([]byte(first))
			_, r2, ok2 := cellRef([]byte(last))
			if ok1 && ok2 && r2-r1 > lim.MaxRows {
				return nil, ErrTooManyRows
			}
		case "sheetData":
			return x, nil
		}
	}
}

func (x *refSheet) next(width int) (int, []Cell, bool, error) {
	for !x.done {
		tok, err := x.d.RawToken()
		if err != nil {
			return 0, nil, false, errRef
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "row" {
				continue
			}
			no := x.lastRow + 1
			if r := refAttr(t, "r"); r != "" {
				if no, err = strconv.Atoi(r); err != nil || no < 1 {
					return 0, nil, false, errRef
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

func (x *refSheet) row(width int) ([]Cell, bool, error) {
	cells := make([]Cell, width)
	col, beyond := 0, false
	for {
		tok, err := x.d.RawToken()
		if err != nil {
			return nil, false, errRef
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" {
				continue
			}
			if r := refAttr(t, "r"); r != "" {
				c, _, ok := cellRef([]byte(r))
				if !ok {
					return nil, false, errRef
				}
				col = c
			} else if col++; col > maxColumn {
				return nil, false, errRef
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

func (x *refSheet) cell(start xml.StartElement) (Cell, error) {
	typ, style := refAttr(start, "t"), refAttr(start, "s")
	x.acc.reset()
	var c Cell
	collect, rph := false, 0
	for {
		tok, err := x.d.RawToken()
		if err != nil {
			return c, errRef
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

func (x *refSheet) value(c Cell, typ, style string) (Cell, error) {
	if x.acc.long {
		c.TooLong = true
		return c, nil
	}
	v := string(appendUnescaped(nil, x.acc.buf))
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		s, long, ok := "", false, false
		if err == nil && x.sst != nil {
			s, long, ok = x.sst.get(i)
		}
		if !ok {
			return c, errRef
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
		if d, ok := isoDate([]byte(v)); ok && x.isDate(style) {
			c.Value = string(d)
		}
	case "", "n":
		c.Value = v
		if x.isDate(style) {
			if d, ok := serialDate(v, x.date1904); ok {
				c.Value = d
			}
		}
	default:
		c.Value = v
	}
	return c, nil
}

func (x *refSheet) isDate(style string) bool {
	if style == "" {
		return false
	}
	i, err := strconv.Atoi(style)
	return err == nil && i >= 0 && i < len(x.dates) && x.dates[i]
}

// refSharedStrings returns the strings of a shared string part and which
// are too long.
func refSharedStrings(doc []byte, lim Limits) ([]string, []bool, error) {
	d := refDecoder(doc)
	var strs []string
	var long []bool
	budget := lim.MaxUnzipped / 4
	acc := textAcc{max: lim.MaxCellBytes}
	inSI, inT, rph := false, false, 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return strs, long, nil
		}
		if err != nil {
			return nil, nil, errRef
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI, rph = true, 0
				acc.reset()
			case "rPh":
				rph++
			case "t":
				inT = inSI && rph == 0
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				if !inSI {
					continue
				}
				inSI = false
				s := ""
				if !acc.long {
					s = string(appendUnescaped(nil, acc.buf))
				}
				strs, long = append(strs, s), append(long, acc.long)
				if budget -= int64(len(s)) + 12; budget < 0 {
					return nil, nil, ErrZipBomb
				}
			case "rPh":
				rph--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				acc.add(t)
			}
		}
	}
}
