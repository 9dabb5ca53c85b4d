package sheet

import (
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// TemplateRows is how many rows below the header Template formats as text.
const TemplateRows = 1000

// NotesSheet is the name of the template's second sheet.
const NotesSheet = "说明"

// Template writes an import template: a first sheet named sheet with the
// header (bold, frozen) and one example row, the zero-based textColumns
// formatted as text ("@") for the example row and the TemplateRows-1 rows
// below it and as the columns' default, so that identifiers typed into
// them stay text; and a second sheet NotesSheet listing the notes, one a
// line. The first sheet is the active one, so Open reads it.
func Template(w io.Writer, sheet string, header []string, example []string, textColumns []int, notes []string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := template(f, sheet, header, example, textColumns, notes); err != nil {
		return fmt.Errorf("sheet: template: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("sheet: template: %w", err)
	}
	return nil
}

func template(f *excelize.File, sheet string, header []string, example []string, textColumns []int, notes []string) error {
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	for _, c := range textColumns {
		name, err := excelize.ColumnNumberToName(c + 1)
		if err != nil {
			return err
		}
		if err := f.SetColStyle(sheet, name, st.text); err != nil {
			return err
		}
		top, _ := excelize.JoinCellName(name, 2)
		bottom, _ := excelize.JoinCellName(name, TemplateRows+1)
		if err := f.SetCellStyle(sheet, top, bottom, st.text); err != nil {
			return err
		}
	}
	for i, h := range header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(sheet, cell, h); err != nil {
			return err
		}
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, name, name, max(10, float64(utf8.RuneCountInString(h))*2+2)); err != nil {
			return err
		}
	}
	if len(header) > 0 {
		last, _ := excelize.CoordinatesToCellName(len(header), 1)
		if err := f.SetCellStyle(sheet, "A1", last, st.bold); err != nil {
			return err
		}
	}
	for i, v := range example {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		if err := f.SetCellStr(sheet, cell, v); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheet, freezeHeader()); err != nil {
		return err
	}
	if _, err := f.NewSheet(NotesSheet); err != nil {
		return err
	}
	if err := f.SetColWidth(NotesSheet, "A", "A", 100); err != nil {
		return err
	}
	for i, n := range notes {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetCellStr(NotesSheet, cell, n); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	return nil
}
