package sheet

import (
	"bytes"
	"encoding/csv"
	"io"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestCSV(t *testing.T) {
	t.Run("UTF8BOM", func(t *testing.T) {
		data := "\uFEFF姓名,身份证号,备注\r\n张三,110101199003071234,=1+1\r\n李四,\"11010119900307123X\",@x\r\n"
		r := mustOpen(t, "a.CSV", []byte(data), Limits{})
		if !slices.Equal(r.Header(), []string{"姓名", "身份证号", "备注"}) {
			t.Fatalf("header = %q", r.Header())
		}
		rows := readAll(t, r)
		if len(rows) != 2 || !slices.Equal(values(rows[0]), []string{"张三", "110101199003071234", "=1+1"}) ||
			rows[1].Cells[2].Value != "@x" || rows[1].No != 3 {
			t.Fatalf("rows = %+v", rows)
		}
		for _, row := range rows {
			for _, c := range row.Cells {
				if c.Formula {
					t.Fatal("a CSV cell is never a formula")
				}
			}
		}
	})

	t.Run("GBK", func(t *testing.T) {
		text := "姓名,民族,备注\n张三,汉族,“引号”与€\n欧阳娜娜,维吾尔族,\"多行\n备注\"\n"
		gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		rows := readAll(t, mustOpen(t, "gbk.csv", gbk, Limits{}))
		if len(rows) != 2 || !slices.Equal(values(rows[0]), []string{"张三", "汉族", "“引号”与€"}) ||
			!slices.Equal(values(rows[1]), []string{"欧阳娜娜", "维吾尔族", "多行\n备注"}) {
			t.Fatalf("rows = %+v", rows)
		}
	})

	t.Run("RowNumbers", func(t *testing.T) {
		// Row numbers are Excel's: a quoted multi-line cell is one row,
		// blank lines and rows of empty cells count but are not returned.
		data := "\n\na,b\n1,\"x\ny\nz\"\n\r\n,\n2,\"he said \"\"hi\"\"\"\r\n3,x\"y\"z\n4,\"unterminated\n"
		r := mustOpen(t, "a.csv", []byte(data), Limits{})
		if !slices.Equal(r.Header(), []string{"a", "b"}) {
			t.Fatalf("header = %q", r.Header())
		}
		var got []string
		for _, row := range readAll(t, r) {
			got = append(got, strings.Join(append([]string{string(rune('0' + row.No))}, values(row)...), "|"))
		}
		want := []string{"4|1|x\ny\nz", "7|2|he said \"hi\"", "8|3|x\"y\"z", "9|4|unterminated\n"}
		if !slices.Equal(got, want) {
			t.Fatalf("rows = %q, want %q", got, want)
		}
	})

	t.Run("HugeField", func(t *testing.T) {
		huge := strings.Repeat("长", 4<<20) // 12 MB
		data := "a,b\n\"" + huge + "\",1\n" + huge + ",2\nok,3\n"
		rows := readAll(t, mustOpen(t, "a.csv", []byte(data), Limits{}))
		if len(rows) != 3 {
			t.Fatalf("%d rows", len(rows))
		}
		for i, row := range rows[:2] {
			if !row.Cells[0].TooLong || row.Cells[0].Value != "" || row.Cells[1].Value != string(rune('1'+i)) {
				t.Fatalf("row %d = %+v", i, row)
			}
		}
		if rows[2].Cells[0].Value != "ok" || rows[2].No != 4 {
			t.Fatalf("last row = %+v", rows[2])
		}
	})

	t.Run("ExactLimit", func(t *testing.T) {
		lim := Limits{MaxCellBytes: 8}
		data := "h\n12345678\n123456789\n\"1234567\"\"\"\n\"1234\r\n567\"\n"
		rows := readAll(t, mustOpen(t, "a.csv", []byte(data), lim))
		if len(rows) != 4 || rows[0].Cells[0].TooLong || !rows[1].Cells[0].TooLong ||
			rows[2].Cells[0].Value != `1234567"` || rows[3].Cells[0].Value != "1234\n567" {
			t.Fatalf("rows = %+v", rows)
		}
	})

	t.Run("WideHeader", func(t *testing.T) {
		_, err := open(t, "a.csv", []byte("a,b,c,d\n1,2,3,4\n"), Limits{MaxColumns: 3})
		errIs(t, err, ErrNoHeader)
		// Data right of the header is ignored, however wide.
		r := mustOpen(t, "a.csv", []byte("a,b\n1,2,"+strings.Repeat("x,", 1<<20)+"\n"), Limits{MaxColumns: 3})
		if rows := readAll(t, r); len(rows) != 1 || !slices.Equal(values(rows[0]), []string{"1", "2"}) {
			t.Fatalf("rows = %+v", rows)
		}
	})

	t.Run("NoHeader", func(t *testing.T) {
		for _, data := range []string{"", "\n\n", " , \n,,\n", "\uFEFF"} {
			_, err := open(t, "a.csv", []byte(data), Limits{})
			errIs(t, err, ErrNoHeader)
		}
	})
}

// parseAll parses text with encoding/csv as csvSource does, optionally
// behind csvBound.
func parseAll(text []byte, bound bool, maxCell, maxFields int) ([][]string, error) {
	var in io.Reader = bytes.NewReader(text)
	if bound {
		in = newCSVBound(in, maxCell, maxFields)
	}
	cr := csv.NewReader(in)
	cr.LazyQuotes, cr.FieldsPerRecord = true, -1
	var recs [][]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, rec)
	}
}

// FuzzCSVBound checks csvBound against plain encoding/csv: the same
// non-empty records, each field identical or, when cut, still too long;
// fields beyond maxFields dropped but for one empty one; empty lines kept
// as one empty field.
func FuzzCSVBound(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "\"a\"\"b\",\"c\r\nd\"\r\n", "x\"y,\"z\"w\"\r\n\n\r\n,,,,\n", "\"abc\r", "abcdef,\"ghijk\"\"\"lm\r\n"} {
		f.Add([]byte(s))
	}
	const maxCell, maxFields = 4, 3
	f.Fuzz(func(t *testing.T, text []byte) {
		want, err1 := parseAll(text, false, 0, 0)
		got, err2 := parseAll(text, true, maxCell, maxFields)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("errors differ: %v / %v", err1, err2)
		}
		var nonEmpty [][]string
		for _, g := range got {
			if len(g) == 1 && g[0] == "" {
				continue // an empty line (or a record of one empty field)
			}
			nonEmpty = append(nonEmpty, g)
		}
		var wantNonEmpty [][]string
		for _, w := range want {
			if !(len(w) == 1 && w[0] == "") {
				wantNonEmpty = append(wantNonEmpty, w)
			}
		}
		if len(nonEmpty) != len(wantNonEmpty) {
			t.Fatalf("%d records, want %d\n got %q\nwant %q", len(nonEmpty), len(wantNonEmpty), got, want)
		}
		for i, w := range wantNonEmpty {
			g := nonEmpty[i]
			if len(g) != min(len(w), maxFields+1) {
				t.Fatalf("record %d: %d fields, want %d", i, len(g), min(len(w), maxFields+1))
			}
			if len(g) > maxFields && g[maxFields] != "" {
				t.Fatalf("record %d: dropped field kept %q", i, g[maxFields])
			}
			for j := range g[:min(len(g), maxFields)] {
				if g[j] != w[j] && (len(w[j]) <= maxCell || len(g[j]) <= maxCell) {
					t.Fatalf("record %d field %d = %q, want %q", i, j, g[j], w[j])
				}
				if len(g[j]) > 2*maxCell+3 {
					t.Fatalf("record %d field %d kept %d bytes", i, j, len(g[j]))
				}
			}
		}
	})
}
