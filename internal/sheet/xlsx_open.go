package sheet

import (
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"
)

// The xlsx reader is a small streaming parser over archive/zip and
// encoding/xml rather than excelize: excelize's Rows() loads the whole
// shared string table with full-length strings, reports formula cells only
// as their values (RawCellValue hides <f>), and offers no hook to bound or
// count what it inflates. Here every part goes through the zip guards
// (zipguard.go) and the text cap (xmlguard.go), and rows are parsed one at
// a time. excelize is still used to write files (write.go).

// workbook is what the reader needs from xl/workbook.xml and its rels.
type workbook struct {
	date1904 bool
	sheet    string // part name of the first worksheet
	strings  string // part name of the shared string table, if any
	styles   string // part name of the styles, if any
}

const (
	relWorksheet     = "/worksheet"
	relSharedStrings = "/sharedStrings"
	relStyles        = "/styles"
)

func openXLSX(r io.ReaderAt, size int64, lim Limits) (rowSource, error) {
	a, err := openArchive(r, size, lim)
	if err != nil {
		return nil, err
	}
	if a.file("[Content_Types].xml") == nil {
		return nil, fmt.Errorf("%w: zip without [Content_Types].xml", ErrFileType)
	}
	wb, err := readWorkbook(a)
	if err != nil {
		return nil, err
	}
	if wb.sheet == "" {
		return nil, fmt.Errorf("%w: no worksheet", ErrFileType)
	}
	if a.declared("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
		wb.styles, wb.strings, wb.sheet) > lim.MaxUnzipped {
		return nil, fmt.Errorf("%w: parts declare more than %d bytes", ErrZipBomb, lim.MaxUnzipped)
	}
	var dates []bool
	if wb.styles != "" {
		if dates, err = readStyles(a, wb.styles, lim); err != nil {
			return nil, err
		}
	}
	var sst *sharedStrings
	if wb.strings != "" {
		if sst, err = readSharedStrings(a, wb.strings, lim); err != nil {
			return nil, err
		}
	}
	return openWorksheet(a, wb, sst, dates, lim)
}

// readWorkbook resolves the first worksheet (the first visible one, if any
// is visible) through xl/workbook.xml and its relationships, falling back
// to xl/worksheets/sheet1.xml.
func readWorkbook(a *archive) (workbook, error) {
	var wb workbook
	type sheetRef struct {
		rid    string
		hidden bool
	}
	var sheets []sheetRef
	if a.file("xl/workbook.xml") != nil {
		err := eachElement(a, "xl/workbook.xml", func(se xml.StartElement) {
			switch se.Name.Local {
			case "workbookPr":
				v := attr(se, "date1904")
				wb.date1904 = v == "1" || v == "true"
			case "sheet":
				rid := ""
				for _, at := range se.Attr {
					if at.Name.Local == "id" && at.Name.Space != "" {
						rid = at.Value
					}
				}
				sheets = append(sheets, sheetRef{rid: rid, hidden: attr(se, "state") != "" && attr(se, "state") != "visible"})
			}
		})
		if err != nil {
			return wb, err
		}
	}
	rels := map[string]string{} // id → part name, worksheets only
	if a.file("xl/_rels/workbook.xml.rels") != nil {
		err := eachElement(a, "xl/_rels/workbook.xml.rels", func(se xml.StartElement) {
			if se.Name.Local != "Relationship" || attr(se, "TargetMode") == "External" {
				return
			}
			typ, target := attr(se, "Type"), partName(attr(se, "Target"))
			switch {
			case strings.HasSuffix(typ, relWorksheet):
				rels[attr(se, "Id")] = target
			case strings.HasSuffix(typ, relSharedStrings) && wb.strings == "":
				wb.strings = target
			case strings.HasSuffix(typ, relStyles) && wb.styles == "":
				wb.styles = target
			}
		})
		if err != nil {
			return wb, err
		}
	}
	for _, visibleOnly := range []bool{true, false} {
		for _, s := range sheets {
			if t := rels[s.rid]; t != "" && a.file(t) != nil && (!s.hidden || !visibleOnly) && wb.sheet == "" {
				wb.sheet = t
			}
		}
	}
	if wb.sheet == "" && a.file("xl/worksheets/sheet1.xml") != nil {
		wb.sheet = "xl/worksheets/sheet1.xml"
	}
	for _, p := range []*string{&wb.strings, &wb.styles} {
		if *p != "" && a.file(*p) == nil {
			*p = ""
		}
	}
	if wb.strings == "" && a.file("xl/sharedStrings.xml") != nil {
		wb.strings = "xl/sharedStrings.xml"
	}
	if wb.styles == "" && a.file("xl/styles.xml") != nil {
		wb.styles = "xl/styles.xml"
	}
	return wb, nil
}

// partName resolves a relationship target of xl/workbook.xml to a part name.
func partName(target string) string {
	if strings.HasPrefix(target, "/") {
		return path.Clean(target)[1:]
	}
	return path.Join("xl", target)
}

// eachElement calls fn for every start element of a small part.
func eachElement(a *archive, part string, fn func(xml.StartElement)) error {
	rc, err := a.open(part)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := newXMLDecoder(rc, a.lim.MaxCellBytes)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return xmlErr(part, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			fn(se)
		}
	}
}

// readStyles returns, for each cell style index (cellXfs), whether it
// formats numbers as dates.
func readStyles(a *archive, part string, lim Limits) ([]bool, error) {
	custom := map[string]string{} // numFmtId → formatCode
	var xfIDs []string
	depth, xfsDepth := 0, 0
	rc, err := a.open(part)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	d := newXMLDecoder(rc, lim.MaxCellBytes)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, xmlErr(part, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch t.Name.Local {
			case "numFmt":
				custom[attr(t, "numFmtId")] = attr(t, "formatCode")
			case "cellXfs":
				xfsDepth = depth
			case "xf":
				if xfsDepth > 0 && depth == xfsDepth+1 {
					xfIDs = append(xfIDs, attr(t, "numFmtId"))
				}
			}
		case xml.EndElement:
			if depth == xfsDepth {
				xfsDepth = 0
			}
			depth--
		}
	}
	dates := make([]bool, len(xfIDs))
	for i, id := range xfIDs {
		dates[i] = isDateFormat(id, custom)
	}
	return dates, nil
}
