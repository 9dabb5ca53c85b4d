package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"testing"
)

func TestRefuse(t *testing.T) {
	small := book{sheetData: inlineRow(1, "a", "b") + inlineRow(2, "1", "2")}.bytes(t)
	docx := zipParts(t,
		part{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
		part{"word/document.xml", `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>`})
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(i*7919 + i>>3)
	}
	ole2 := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...)
	gb := []byte{0xD5, 0xC5, 0xC8, 0xFD, ',', 0xFF, 0x80, '\n'} // 张三, then bytes GB18030 has no use for
	for _, tc := range []struct {
		name string
		file string
		data []byte
		lim  Limits
		want error
	}{
		{"Docx", "a.xlsx", docx, Limits{}, ErrFileType},
		{"PlainZip", "a.xlsx", zipParts(t, part{"readme.txt", "hello"}), Limits{}, ErrFileType},
		{"RandomBinary", "a.csv", random, Limits{}, ErrFileType},
		{"RandomBinaryXLSX", "a.xlsx", random, Limits{}, ErrFileType},
		{"OLE2AsXLSX", "a.xlsx", ole2, Limits{}, ErrFileType},
		{"OLE2AsCSV", "a.csv", ole2, Limits{}, ErrFileType},
		{"PDF", "a.csv", []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj\n"), Limits{}, ErrFileType},
		{"PNG", "a.csv", []byte("\x89PNG\r\n\x1a\n\x00\x00"), Limits{}, ErrFileType},
		{"NUL", "a.csv", []byte("a,b\n1,\x002\n"), Limits{}, ErrFileType},
		{"UTF16", "a.csv", []byte("\xFF\xFEa\x00,\x00b\x00"), Limits{}, ErrFileType},
		{"NotGB18030", "a.csv", gb, Limits{}, ErrFileType},
		{"BadUTF8AfterBOM", "a.csv", []byte("\xEF\xBB\xBFa,\xD5\xC5\n"), Limits{}, ErrFileType},
		{"XLSXNamedCSV", "a.csv", small, Limits{}, ErrFileType},
		{"CSVNamedXLSX", "a.xlsx", []byte("a,b\n1,2\n"), Limits{}, ErrFileType},
		{"XLSExtension", "a.xls", []byte("a,b\n1,2\n"), Limits{}, ErrFileType},
		{"NoExtension", "xlsx", small, Limits{}, ErrFileType},
		{"TooLargeCSV", "a.csv", []byte(strings.Repeat("a,b\n", 300)), Limits{MaxFileBytes: 1000}, ErrTooLarge},
		{"TooLargeXLSX", "a.xlsx", small, Limits{MaxFileBytes: int64(len(small) - 1)}, ErrTooLarge},
		{"TruncatedZip", "a.xlsx", small[:len(small)-30], Limits{}, ErrCorrupt},
		{"BadXML", "a.xlsx", book{sheetData: `<row r="1"><c r="A1" t="inlineStr"><is><t>x &secret; y</t></is></c></row>`}.bytes(t), Limits{}, ErrCorrupt},
		{"TruncatedXML", "a.xlsx", zipParts(t, append(book{}.parts()[:3], part{"xl/worksheets/sheet1.xml", `<worksheet><sheetData><row><c`})...), Limits{}, ErrCorrupt},
		{"HugeTag", "a.xlsx", book{sheetData: `<row r="1" x="` + randomText(2<<20) + `"><c/></row>`}.bytes(t), Limits{}, ErrCorrupt},
		{"BadSharedIndex", "a.xlsx", book{strings: []string{"<t>a</t>"}, sheetData: `<row><c t="s"><v>7</v></c></row>`}.bytes(t), Limits{}, ErrCorrupt},
		{"EmptyXLSX", "a.xlsx", book{}.bytes(t), Limits{}, ErrNoHeader},
		{"WideXLSXHeader", "a.xlsx", book{sheetData: `<row r="1"><c r="E1" t="inlineStr"><is><t>e</t></is></c></row>`}.bytes(t), Limits{MaxColumns: 4}, ErrNoHeader},
		{"LongHeaderCell", "a.csv", []byte(strings.Repeat("h", 5000) + "\n1\n"), Limits{}, ErrNoHeader},
		{"DeclaredTooMuch", "a.xlsx", small, Limits{MaxUnzipped: 100}, ErrZipBomb},
		// 100,000 empty shared strings: 900 KB of XML, 1.2 MB as a table,
		// over a quarter of MaxUnzipped.
		{"SharedStringTable", "a.xlsx", book{strings: make([]string, 100_000), sheetData: inlineRow(1, "a")}.bytes(t), Limits{MaxUnzipped: 4 << 20}, ErrZipBomb},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := open(t, tc.file, tc.data, tc.lim)
			errIs(t, err, tc.want)
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error quotes the file: %v", err)
			}
		})
	}
}

// zeroDeflate returns a deflate stream of n MiB of zeros and its CRC-32,
// built by repeating one independently compressed MiB so that the test
// stays fast: 600 MiB cost about 1 MB and a few milliseconds.
func zeroDeflate(t testing.TB, n int) ([]byte, uint32) {
	t.Helper()
	zeros := make([]byte, 1<<20)
	var chunk bytes.Buffer
	fw, _ := flate.NewWriter(&chunk, flate.BestCompression)
	fw.Write(zeros)
	fw.Flush() // ends byte-aligned without a final block
	var out bytes.Buffer
	crc := uint32(0)
	for range n {
		out.Write(chunk.Bytes())
		crc = crc32.Update(crc, crc32.IEEETable, zeros)
	}
	out.Write([]byte{0x01, 0x00, 0x00, 0xFF, 0xFF}) // final empty stored block
	return out.Bytes(), crc
}

// bombBook is a valid workbook whose worksheet is compressed data of
// declared size, actually inflating to n MiB of zeros.
func bombBook(t testing.TB, n int, declared uint64) []byte {
	t.Helper()
	data, crc := zeroDeflate(t, n)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range (book{sheetData: inlineRow(1, "a")}).parts() {
		if p.name == "xl/worksheets/sheet1.xml" {
			w, err := zw.CreateRaw(&zip.FileHeader{Name: p.name, Method: zip.Deflate, CRC32: crc,
				CompressedSize64: uint64(len(data)), UncompressedSize64: declared})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(data)
			continue
		}
		w, _ := zw.Create(p.name)
		w.Write([]byte(p.body))
	}
	zw.Close()
	return buf.Bytes()
}

func TestZipBomb(t *testing.T) {
	t.Run("Declared", func(t *testing.T) {
		data := bombBook(t, 600, 600<<20)
		if len(data) > 2<<20 {
			t.Fatalf("bomb is %d bytes", len(data))
		}
		_, err := open(t, "bomb.xlsx", data, Limits{})
		errIs(t, err, ErrZipBomb)
		// Within MaxUnzipped, the ratio alone refuses it.
		_, err = open(t, "bomb.xlsx", data, Limits{MaxUnzipped: 1 << 30})
		errIs(t, err, ErrZipBomb)
	})
	t.Run("LyingHeader", func(t *testing.T) {
		// Declares 1000 bytes, inflates to 20 MiB: refused after 1000.
		_, err := open(t, "bomb.xlsx", bombBook(t, 20, 1000), Limits{})
		errIs(t, err, ErrZipBomb)
	})
	t.Run("ActualBytesCounted", func(t *testing.T) {
		// archive/zip already stops a part at its declared size; the
		// running count is the second line and must hold on its own.
		data := bombBook(t, 3, 3<<20)
		a, err := openArchive(bytes.NewReader(data), int64(len(data)), Limits{MaxRatio: 1 << 20}.withDefaults())
		if err != nil {
			t.Fatal(err)
		}
		a.left = 1 << 20
		rc, err := a.open("xl/worksheets/sheet1.xml")
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		n, err := io.Copy(io.Discard, rc)
		errIs(t, err, ErrZipBomb)
		if n > 1<<20+64<<10 {
			t.Errorf("read %d bytes past the budget", n)
		}
	})
	t.Run("HugeDirectory", func(t *testing.T) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, p := range (book{sheetData: inlineRow(1, "a")}).parts() {
			w, _ := zw.Create(p.name)
			w.Write([]byte(p.body))
		}
		for i := range 60000 {
			zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("xl/media/padding-name-to-fill-the-directory-%06d", i), Method: zip.Store})
		}
		zw.Close()
		_, err := open(t, "many.xlsx", buf.Bytes(), Limits{})
		errIs(t, err, ErrZipBomb)
	})
}

func TestTooManyRows(t *testing.T) {
	var sheetData, csvText strings.Builder
	sheetData.WriteString(inlineRow(1, "h"))
	csvText.WriteString("h\n")
	for i := 2; i <= 12; i++ {
		sheetData.WriteString(inlineRow(i, "v"))
		csvText.WriteString("v\n\n , \n") // blank lines and blank rows do not count
	}
	lim := Limits{MaxRows: 10}
	t.Run("CSVAtOpen", func(t *testing.T) {
		_, err := open(t, "a.csv", []byte(csvText.String()), lim)
		errIs(t, err, ErrTooManyRows)
	})
	t.Run("XLSXDimensionAtOpen", func(t *testing.T) {
		_, err := open(t, "a.xlsx", book{dimension: "A1:A12", sheetData: sheetData.String()}.bytes(t), lim)
		errIs(t, err, ErrTooManyRows)
	})
	t.Run("XLSXWhileReading", func(t *testing.T) {
		r := mustOpen(t, "a.xlsx", book{sheetData: sheetData.String()}.bytes(t), lim)
		for range 10 {
			if _, err := r.Next(); err != nil {
				t.Fatal(err)
			}
		}
		_, err := r.Next()
		errIs(t, err, ErrTooManyRows)
		_, err = r.Next()
		errIs(t, err, ErrTooManyRows)
	})
	t.Run("ExactlyMax", func(t *testing.T) {
		text := "h\n" + strings.Repeat("v\n", 10)
		if rows := readAll(t, mustOpen(t, "a.csv", []byte(text), lim)); len(rows) != 10 {
			t.Fatalf("%d rows", len(rows))
		}
	})
}
