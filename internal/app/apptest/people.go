package apptest

import (
	"fmt"
	"time"

	"qinggong/internal/pii"
)

// IDNumber returns a valid, distinct resident ID-card number for each n
// (0 ≤ n < 3,650,000): a Pudong region code, a birth date n/1000 days
// after 1998-01-01, and the sequence n%1000 (odd: male).
func IDNumber(n int) string {
	birth := time.Date(1998, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n/1000)
	first := fmt.Sprintf("310115%s%03d", birth.Format("20060102"), n%1000)
	return first + string(pii.CheckChar(first))
}
