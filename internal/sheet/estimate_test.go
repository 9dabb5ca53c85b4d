package sheet

import (
	"strings"
	"testing"
)

// Estimate gives the rows a file holds before they are read: a CSV's
// non-empty lines, an xlsx sheet's declared dimension (0 without one).
func TestEstimate(t *testing.T) {
	var sheetData strings.Builder
	sheetData.WriteString(inlineRow(1, "h"))
	for i := 2; i <= 4; i++ {
		sheetData.WriteString(inlineRow(i, "v"))
	}
	for _, c := range []struct {
		name string
		data []byte
		want int
	}{
		{"a.csv", []byte("h\nv\n\nv\nv\n"), 3},
		{"a.xlsx", book{dimension: "A1:A4", sheetData: sheetData.String()}.bytes(t), 3},
		{"b.xlsx", book{sheetData: sheetData.String()}.bytes(t), 0},
	} {
		r := mustOpen(t, c.name, c.data, Limits{})
		if got := r.Estimate(); got != c.want {
			t.Errorf("%s: Estimate = %d, want %d", c.name, got, c.want)
		}
		r.Close()
	}
}
