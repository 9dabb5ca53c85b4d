package sheet

import (
	"fmt"
	"io"
	"path"
	"strings"
)

// The xlsx reader is a small streaming parser over archive/zip and its own
// XML scanner (xmlscan.go) rather than excelize: excelize's Rows() loads
// the whole shared string table with full-length strings, reports formula
// cells only as their values (RawCellValue hides <f>), and offers no hook
// to bound or count what it inflates. Here every part goes through the
// zip guards (zipguard.go) and the scanner, which never holds more than
// one tag and MaxCellBytes of text, and rows are parsed one at a time.
// excelize is still used to write files (write.go).

// workbook is what the reader needs from xl/workbook.xml and its rels.
type workbook struct {
	date1904 bool
	sheet    string // part name of the first worksheet
	strings  string // part name of the shared string table, if any
	styles   string // part name of the styles, if any
}

// Bounds on what the small parts may make the reader hold; Excel's own
// limits are far lower (64,000 cell formats, 255 sheets in practice).
const (
	maxSheets   = 4096
	maxCellXfs  = 65536
	maxNumFmts  = 4096
	maxRelsKept = 4096
)

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
		if dates, err = readStyles(a, wb.styles); err != nil {
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
	var sheets []sheetRef
	if a.file("xl/workbook.xml") != nil {
		err := eachElement(a, "xl/workbook.xml", func(s *xmlScanner) {
			switch string(s.localName()) {
			case "workbookPr":
				v := string(s.attr("date1904"))
				wb.date1904 = v == "1" || v == "true"
			case "sheet":
				if len(sheets) >= maxSheets {
					return
				}
				state := string(s.attr("state"))
				sheets = append(sheets, sheetRef{rid: string(s.prefixedAttr("id")), hidden: state != "" && state != "visible"})
			}
		})
		if err != nil {
			return wb, err
		}
	}
	rels := map[string]string{} // id → part name, worksheets only
	if a.file("xl/_rels/workbook.xml.rels") != nil {
		err := eachElement(a, "xl/_rels/workbook.xml.rels", func(s *xmlScanner) {
			if string(s.localName()) != "Relationship" || string(s.attr("TargetMode")) == "External" {
				return
			}
			typ, target := string(s.attr("Type")), partName(string(s.attr("Target")))
			switch {
			case strings.HasSuffix(typ, relWorksheet) && len(rels) < maxRelsKept:
				rels[string(s.attr("Id"))] = target
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
	wb.sheet = firstSheet(a, sheets, rels)
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

type sheetRef struct {
	rid    string // relationship id
	hidden bool
}

// firstSheet returns the part of the first visible worksheet in workbook
// order, or else of the first hidden one, among those that exist.
func firstSheet(a *archive, sheets []sheetRef, rels map[string]string) string {
	hidden := ""
	for _, s := range sheets {
		t := rels[s.rid]
		switch {
		case t == "" || a.file(t) == nil:
		case !s.hidden:
			return t
		case hidden == "":
			hidden = t
		}
	}
	return hidden
}

// partName resolves a relationship target of xl/workbook.xml to a part name.
func partName(target string) string {
	if strings.HasPrefix(target, "/") {
		return path.Clean(target)[1:]
	}
	return path.Join("xl", target)
}

// eachElement calls fn for every start element of a small part.
func eachElement(a *archive, part string, fn func(*xmlScanner)) error {
	rc, err := a.open(part)
	if err != nil {
		return err
	}
	defer rc.Close()
	s := newXMLScanner(rc, part)
	for {
		ev, err := s.next()
		if err != nil || ev == xmlEOF {
			return err
		}
		if ev == xmlStart {
			fn(s)
		}
	}
}

// readStyles returns, for each cell style index (cellXfs), whether it
// formats numbers as dates.
func readStyles(a *archive, part string) ([]bool, error) {
	custom := map[string]string{} // numFmtId → formatCode
	var xfIDs []string
	depth, xfsDepth := 0, 0
	rc, err := a.open(part)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	s := newXMLScanner(rc, part)
	for {
		ev, err := s.next()
		if err != nil {
			return nil, err
		}
		if ev == xmlEOF {
			break
		}
		if ev == xmlEnd {
			if depth == xfsDepth {
				xfsDepth = 0
			}
			depth--
			continue
		}
		depth++
		switch string(s.localName()) {
		case "numFmt":
			if len(custom) < maxNumFmts {
				custom[string(s.attr("numFmtId"))] = string(s.attr("formatCode"))
			}
		case "cellXfs":
			xfsDepth = depth
		case "xf":
			if xfsDepth > 0 && depth == xfsDepth+1 && len(xfIDs) < maxCellXfs {
				xfIDs = append(xfIDs, string(s.attr("numFmtId")))
			}
		}
	}
	dates := make([]bool, len(xfIDs))
	for i, id := range xfIDs {
		dates[i] = isDateFormat(id, custom)
	}
	return dates, nil
}
