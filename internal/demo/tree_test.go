package demo

import (
	"reflect"
	"testing"

	"qinggong/internal/org"
)

func TestSplit(t *testing.T) {
	got := split(100, []int{1, 1, 1})
	if !reflect.DeepEqual(got, []int{34, 33, 33}) {
		t.Fatalf("split(100, 1:1:1) = %v", got)
	}
	got = split(10, []int{20, 3, 4})
	if sum := got[0] + got[1] + got[2]; sum != 10 || got[0] < got[1] {
		t.Fatalf("split(10, 20:3:4) = %v", got)
	}
}

func TestOrdinal(t *testing.T) {
	for n, want := range map[int]string{1: "一", 10: "十", 12: "十二", 20: "二十", 35: "三十五", 99: "九十九"} {
		if got := ordinal(n); got != want {
			t.Errorf("ordinal(%d) = %q; want %q", n, got, want)
		}
	}
}

// TestBuild checks the in-memory tree at both scales: the exact size, and
// codes and unit names unique (the database checks the rest).
func TestBuild(t *testing.T) {
	root := &org.Org{ID: 1, Path: "/1/", Depth: 1}
	for _, tc := range []struct {
		size int
		city bool
	}{{2000, false}, {50000, true}} {
		tr := build(newGen(5), root, 2, tc.size, tc.city)
		if len(tr.nodes) != tc.size-1 {
			t.Fatalf("size %d: built %d organizations", tc.size, len(tr.nodes))
		}
		codes := map[string]bool{}
		names := map[string]bool{}
		for _, n := range tr.nodes {
			if codes[n.code] || len(n.code) > 40 {
				t.Fatalf("size %d: code %s repeated or too long", tc.size, n.code)
			}
			codes[n.code] = true
			if n.level == org.LevelUnit {
				if names[n.name] {
					t.Fatalf("size %d: unit name %s repeated", tc.size, n.name)
				}
				names[n.name] = true
			}
		}
		again := build(newGen(5), root, 2, tc.size, tc.city)
		if !reflect.DeepEqual(tr.nodes, again.nodes) {
			t.Fatalf("size %d: the same seed built two different trees", tc.size)
		}
	}
}
