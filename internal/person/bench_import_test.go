package person_test

import (
	"os"
	"testing"

	"qinggong/internal/db/dbtest"
)

// BenchmarkImport100k imports 100,000 new rows into the city (or, with
// QG_BENCH_SCALE=small, the small demo), for profiling the import alone;
// with QG_BENCH_CACHE the city is loaded once and copied for each run.
//
//	QG_BENCH_CACHE=/tmp/qgbench go test ./internal/person/ -run '^$' -bench Import100k -benchtime 1x -cpuprofile /tmp/import.prof
func BenchmarkImport100k(b *testing.B) {
	for _, name := range dbtest.Names() {
		if only := os.Getenv("QG_BENCH_DB"); only != "" && only != name {
			continue
		}
		b.Run(name, func(b *testing.B) {
			e := loadCity(b, name)
			for b.Loop() {
				benchImport(b, e, 0)
			}
		})
	}
}
