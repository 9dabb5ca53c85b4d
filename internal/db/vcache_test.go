package db_test

import (
	"testing"

	"qinggong/internal/db"
)

func TestVersionCache(t *testing.T) {
	c := db.NewVersionCache[int](2)
	c.Put("9", "a", 1)
	if v, ok := c.Get("9", "a"); !ok || v != 1 {
		t.Fatalf("stored under 9: %v %v", v, ok)
	}
	if _, ok := c.Get("10", "a"); ok {
		t.Fatal("a value of version 9 served under 10")
	}
	c.Put("10", "b", 2) // newer (and longer): the cache starts over
	if _, ok := c.Get("9", "a"); ok {
		t.Fatal("version 9 still served after 10 was stored")
	}
	c.Put("9", "a", 1) // a slow request's old data is refused
	if _, ok := c.Get("10", "a"); ok {
		t.Fatal("data read under 9 stored into version 10")
	}
	c.Put("", "x", 3) // no version: bypassed
	if _, ok := c.Get("", "x"); ok {
		t.Fatal("an empty version was cached")
	}
	c.Put("10", "c", 3)
	c.Put("10", "d", 4) // full at 2: starts over
	if _, ok := c.Get("10", "b"); ok {
		t.Fatal("a full cache kept its old entries")
	}
	if v, ok := c.Get("10", "d"); !ok || v != 4 {
		t.Fatalf("after starting over: %v %v", v, ok)
	}
}
