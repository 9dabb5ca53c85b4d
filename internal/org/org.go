// Package org holds the league organization tree (条: one reporting line per
// organization, stored as a materialized path) and regions (区域化: named
// sets of organizations across lines).
package org

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/errs"
)

// Levels of the tree, top down.
const (
	LevelCity          = "city"
	LevelDistrict      = "district"
	LevelSystem        = "system"
	LevelUnit          = "unit"
	LevelGeneralBranch = "general_branch"
	LevelBranch        = "branch"
)

// Levels lists every level in display order.
var Levels = []string{LevelCity, LevelDistrict, LevelSystem, LevelUnit, LevelGeneralBranch, LevelBranch}

var levelRank = map[string]int{LevelCity: 0, LevelDistrict: 1, LevelSystem: 1, LevelUnit: 2, LevelGeneralBranch: 3, LevelBranch: 4}

// UnitTypes are the kinds of employer behind a unit committee.
var UnitTypes = []string{"soe", "private", "bureau", "institution", "foreign", "social", "other"}

// Districts are Shanghai's sixteen districts (块: where an organization is located).
var Districts = []string{"huangpu", "xuhui", "changning", "jingan", "putuo", "hongkou", "yangpu", "minhang",
	"baoshan", "jiading", "pudong", "jinshan", "songjiang", "qingpu", "fengxian", "chongming"}

// Org is one league organization.
type Org struct {
	ID          int64     `json:"id"`
	ParentID    int64     `json:"parent_id"` // 0 for the root
	Path        string    `json:"path"`
	Depth       int       `json:"depth"`
	Name        string    `json:"name"`
	ShortName   string    `json:"short_name"`
	Code        string    `json:"code"`
	Level       string    `json:"level"`
	UnitType    string    `json:"unit_type"`
	District    string    `json:"district"`
	Address     string    `json:"address"`
	Contact     string    `json:"contact"`
	Established string    `json:"established"` // YYYY-MM-DD or ""
	Status      string    `json:"status"`      // "active" or "archived"
	Children    int       `json:"children"`    // active children
	Descendants int       `json:"descendants"` // active descendants (rollup kept at O(depth) per write)
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Active reports whether the organization is not archived.
func (o *Org) Active() bool { return o.Status == "active" }

// Input is what a user sets on an organization.
type Input struct {
	Name        string `json:"name"`
	ShortName   string `json:"short_name"`
	Code        string `json:"code"`
	Level       string `json:"level"`
	UnitType    string `json:"unit_type"`
	District    string `json:"district"`
	Address     string `json:"address"`
	Contact     string `json:"contact"`
	Established string `json:"established"`
}

var codePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{2,40}$`)

func (in *Input) normalize() {
	for _, p := range []*string{&in.Name, &in.ShortName, &in.Code, &in.Level, &in.UnitType, &in.District, &in.Address, &in.Contact, &in.Established} {
		*p = strings.TrimSpace(*p)
	}
}

// validate checks the fields on their own; parentLevel "" means no parent (root).
func (in *Input) validate(parentLevel string, now time.Time) errs.Fields {
	in.normalize()
	var f errs.Fields
	maxLen := func(field, v string, n int) {
		if utf8.RuneCountInString(v) > n {
			f.Add(field, "err.too_long")
		}
	}
	if in.Name == "" {
		f.Add("name", "err.required")
	}
	maxLen("name", in.Name, 100)
	maxLen("short_name", in.ShortName, 30)
	maxLen("address", in.Address, 200)
	maxLen("contact", in.Contact, 100)
	if !codePattern.MatchString(in.Code) {
		f.Add("code", "err.code_format")
	}
	rank, ok := levelRank[in.Level]
	switch {
	case !ok:
		f.Add("level", "err.choose")
	case parentLevel == "" && in.Level != LevelCity:
		f.Add("level", "err.level_root")
	case parentLevel != "" && !childLevelOK(parentLevel, in.Level, rank):
		f.Add("level", "err.level_below")
	}
	if in.UnitType != "" && !contains(UnitTypes, in.UnitType) {
		f.Add("unit_type", "err.choose")
	}
	if in.District != "" && !contains(Districts, in.District) {
		f.Add("district", "err.choose")
	}
	if in.Established != "" {
		d, err := time.Parse("2006-01-02", in.Established)
		if err != nil {
			f.Add("established", "err.date_format")
		} else if d.After(now) {
			f.Add("established", "err.date_future")
		}
	}
	return f
}

// childLevelOK: a child sits strictly below its parent, except that a unit
// may hold units (a group company's subsidiaries).
func childLevelOK(parent, child string, childRank int) bool {
	if parent == LevelUnit && child == LevelUnit {
		return true
	}
	return childRank > levelRank[parent]
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
