package org

import (
	"testing"

	"qinggong/internal/db"
)

func TestOrgCacheVersions(t *testing.T) {
	var c orgCache
	c.putPage("5", "k", Page{Orgs: []Org{{ID: 1}}})
	if _, ok := c.page("5", "k"); !ok {
		t.Fatal("page stored under version 5 not found")
	}
	if _, ok := c.page("6", "k"); ok {
		t.Fatal("page of version 5 served under version 6")
	}
	// A slow request that read an older version must not store into a newer cache.
	c.putPage("4", "old", Page{})
	if _, ok := c.page("5", "old"); ok || c.version != "5" {
		t.Fatalf("an older version's page was mixed in (version now %s)", c.version)
	}
	// A newer version empties the cache.
	c.putPage("10", "k2", Page{})
	if _, ok := c.page("10", "k"); ok || c.version != "10" {
		t.Fatal("entries of version 5 survived version 10")
	}
	for _, v := range [][2]string{{"10", "9"}, {"100", "99"}, {"2", "1"}} {
		if !db.Newer(v[0], v[1]) || db.Newer(v[1], v[0]) {
			t.Errorf("newer(%s, %s) wrong", v[0], v[1])
		}
	}
}

func TestCachedPageIsClipped(t *testing.T) {
	var c orgCache
	orgs := make([]Org, 2, 10)
	c.putPage("1", "k", Page{Orgs: orgs})
	p, _ := c.page("1", "k")
	p.Orgs = append(p.Orgs, Org{ID: 99})
	q, _ := c.page("1", "k")
	if len(q.Orgs) != 2 || cap(q.Orgs) != 2 {
		t.Fatalf("cached page changed by a caller's append: len %d cap %d", len(q.Orgs), cap(q.Orgs))
	}
}
