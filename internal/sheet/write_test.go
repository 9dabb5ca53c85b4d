package sheet

import (
	"archive/zip"
	"bytes"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestRoundTrip(t *testing.T) {
	header := []string{"姓名", "身份证号", "备注", "数量", "大数", "比例", "出生日期", "空"}
	risky := []string{"=1+1", "+86 138", "-5", "@SUM(A1)", "\t=cmd", "=HYPERLINK(\"http://x\")", "_x0041_ stays"}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "青年名册", header, []float64{10, 22})
	if err != nil {
		t.Fatal(err)
	}
	loc := time.FixedZone("CST", 8*3600)
	for i := range 1000 {
		err := w.Row(
			"张三"+strconv.Itoa(i),
			"11010119900307"+strconv.Itoa(1000+i), // 18 digits: must stay text
			risky[i%len(risky)],
			i,
			int64(1)<<40+int64(i),
			3.5,
			time.Date(1990+i%30, time.Month(1+i%12), 1+i%28, 23, 30, 0, 0, loc),
			nil,
		)
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	t.Run("OK", func(t *testing.T) {
		r := mustOpen(t, "export.xlsx", buf.Bytes(), Limits{})
		if got := r.Header(); !slices.Equal(got, header) {
			t.Fatalf("header = %q, want %q", got, header)
		}
		rows := readAll(t, r)
		if len(rows) != 1000 {
			t.Fatalf("%d rows, want 1000", len(rows))
		}
		for i, row := range rows {
			want := []string{
				"张三" + strconv.Itoa(i), "11010119900307" + strconv.Itoa(1000+i), risky[i%len(risky)],
				strconv.Itoa(i), strconv.FormatInt(int64(1)<<40+int64(i), 10), "3.5",
				time.Date(1990+i%30, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC).Format("2006-01-02"), "",
			}
			if row.No != i+2 {
				t.Fatalf("row %d: No = %d", i, row.No)
			}
			if got := values(row); !slices.Equal(got, want) {
				t.Fatalf("row %d = %q, want %q", i, got, want)
			}
			for j, c := range row.Cells {
				if c.Formula || c.TooLong {
					t.Fatalf("row %d cell %d = %+v", i, j, c)
				}
			}
		}
	})

	t.Run("NoFormulaElements", func(t *testing.T) {
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			if f.Name != "xl/worksheets/sheet1.xml" {
				continue
			}
			rc, _ := f.Open()
			xml, _ := io.ReadAll(rc)
			rc.Close()
			if bytes.Contains(xml, []byte("<f>")) || bytes.Contains(xml, []byte(`t="str"`)) {
				t.Fatal("a string was written as a formula")
			}
			if !bytes.Contains(xml, []byte(`<pane`)) || !bytes.Contains(xml, []byte(`state="frozen"`)) {
				t.Fatal("header pane not frozen")
			}
		}
	})

	t.Run("Styles", func(t *testing.T) {
		f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for cell, check := range map[string]func(*excelize.Style) bool{
			"A1": func(s *excelize.Style) bool { return s.Font != nil && s.Font.Bold },
			"B2": func(s *excelize.Style) bool { return s.NumFmt == 49 },
			"G2": func(s *excelize.Style) bool { return s.CustomNumFmt != nil && *s.CustomNumFmt == "yyyy-mm-dd" },
		} {
			id, err := f.GetCellStyle("青年名册", cell)
			if err != nil {
				t.Fatal(err)
			}
			st, err := f.GetStyle(id)
			if err != nil || !check(st) {
				t.Errorf("%s style = %+v (%v)", cell, st, err)
			}
		}
		if w, _ := f.GetColWidth("青年名册", "B"); w != 22 {
			t.Errorf("column B width = %v", w)
		}
	})
}

func TestWriterErrors(t *testing.T) {
	w, err := NewWriter(io.Discard, "S", []string{"a"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Row(struct{}{}); err == nil {
		t.Error("unsupported type accepted")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Row("x"); err == nil {
		t.Error("row after close accepted")
	}
	if _, err := NewWriter(io.Discard, "bad[name]", nil, nil); err == nil {
		t.Error("invalid sheet name accepted")
	}
}

func TestWriterOldDate(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, "S", []string{"d", "x"}, nil)
	for _, d := range []time.Time{time.Date(1899, 5, 6, 0, 0, 0, 0, time.UTC), time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC), {}} {
		if err := w.Row(d, "x"); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	rows := readAll(t, mustOpen(t, "a.xlsx", buf.Bytes(), Limits{}))
	var got []string
	for _, r := range rows {
		got = append(got, r.Cells[0].Value)
	}
	if want := []string{"1899-05-06", "1900-03-01", ""}; !slices.Equal(got, want) {
		t.Fatalf("dates = %q, want %q", got, want)
	}
}

func TestTemplate(t *testing.T) {
	header := []string{"姓名", "身份证号", "组织编码"}
	var buf bytes.Buffer
	notes := []string{"身份证号请填写18位。", "日期格式：2006-01-02"}
	if err := Template(&buf, "导入", header, []string{"李四", "110101199003071234", "A01"}, []int{1, 2}, notes); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"导入", NotesSheet}) {
		t.Fatalf("sheets = %q", got)
	}
	for _, cell := range []string{"B2", "B500", "C1001"} {
		id, _ := f.GetCellStyle("导入", cell)
		if st, err := f.GetStyle(id); err != nil || st.NumFmt != 49 {
			t.Errorf("%s is not text: %+v", cell, st)
		}
	}
	if id, _ := f.GetCellStyle("导入", "A2"); id != 0 {
		if st, _ := f.GetStyle(id); st.NumFmt == 49 {
			t.Error("column A formatted as text")
		}
	}
	for i, n := range notes {
		if v, _ := f.GetCellValue(NotesSheet, "A"+strconv.Itoa(i+1)); v != n {
			t.Errorf("note %d = %q", i, v)
		}
	}
	r := mustOpen(t, "template.xlsx", buf.Bytes(), Limits{})
	if !slices.Equal(r.Header(), header) {
		t.Fatalf("header = %q", r.Header())
	}
	rows := readAll(t, r)
	if len(rows) != 1 || rows[0].No != 2 || strings.Join(values(rows[0]), "|") != "李四|110101199003071234|A01" {
		t.Fatalf("rows = %+v", rows)
	}
}
