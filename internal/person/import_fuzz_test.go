package person

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"qinggong/internal/pii"
	"qinggong/internal/sheet"
	"qinggong/internal/web"
)

// FuzzImportRows feeds arbitrary table text through the importer's row
// checks (the part of an import that sees user bytes before the database):
// it must never panic, every reason must be a catalog message, and a row it
// accepts must be valid by itself.
func FuzzImportRows(f *testing.F) {
	header := strings.Join(TemplateHeader(), ",") + "\n"
	f.Add(header + "张三,310115200001011237,FX-U1,男,2000-01-01,13800138000,,汉族,大专,共青团员,2015-05-04,单位,岗位,钳工,四级/中级工,2023-06-30,鉴定中心,,外来务工青年,在册,\n")
	f.Add(header + "=1+1,31011520000101123X,,女,20000101,1234,a@b,,,党员,,,,,6,,,,\"a,b\",离开,\n")
	f.Add("姓名,身份证号,组织编码\n\"\x00\",\xff\xfe,\n")
	f.Add(header + strings.Repeat("李", 60) + ",110101190001011237,X,,,,,,,,,,,,高级技师/五级,,,,,,\n")
	today := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	catalog := web.Catalog("zh-CN")
	f.Fuzz(func(t *testing.T, text string) {
		r, err := sheet.Open("f.csv", strings.NewReader(text), int64(len(text)), sheet.Limits{MaxRows: 200})
		if err != nil {
			return
		}
		defer r.Close()
		cols, fe := headerMap(r.Header())
		if len(fe) > 0 {
			return
		}
		for {
			row, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				return
			}
			in, _, _, fields := rowInput(row, cols, false)
			in.OrgID = 1
			c, ce := check(in, today)
			for _, m := range []map[string]string{fields, ce} {
				for field, key := range m {
					if _, ok := catalog[key]; !ok {
						t.Fatalf("field %s: reason %q is not a catalog message", field, key)
					}
				}
			}
			if len(fields) > 0 || len(ce) > 0 {
				continue
			}
			if _, err := pii.ParseIDCard(c.IDNumber, today); err != nil {
				t.Fatalf("accepted an invalid ID number %q: %v", c.IDNumber, err)
			}
			if !utf8.ValidString(c.Name) || c.Name == "" || utf8.RuneCountInString(c.Name) > maxName {
				t.Fatalf("accepted a bad name %q", c.Name)
			}
			if c.Phone != "" && !pii.ValidMobile(c.Phone) {
				t.Fatalf("accepted a bad phone %q", c.Phone)
			}
			if again, fe := check(c.Input, today); len(fe) > 0 || !bytes.Equal([]byte(tagColumn(again.Tags)), []byte(tagColumn(c.Tags))) {
				t.Fatalf("an accepted row fails its own check again: %v", fe)
			}
		}
	})
}
