package cadre

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"qinggong/internal/errs"
)

// Limits on free text, in characters, and on the hours guaranteed.
const (
	maxShort    = 100
	maxNote     = 200
	maxCoManage = 1000
	// MaxHours bounds the hours per week a part-time cadre may guarantee:
	// more than a working week would be a full-time post.
	MaxHours = 40
)

// check normalises in and validates every field, collecting one catalog key
// per bad field. It does not look at the database (scope, the person and
// the uniqueness of a serving post are the service's). A full-time cadre's
// part-time fields are cleared, not refused: a form shows them for both.
func check(in Input, today time.Time) (Input, errs.Fields) {
	var f errs.Fields
	c := in
	if c.PersonID <= 0 {
		f.Add("person_id", "err.required")
	}
	if c.OrgID <= 0 {
		f.Add("org_id", "err.required")
	}
	c.Post = strings.TrimSpace(c.Post)
	if !slices.Contains(Posts, c.Post) {
		f.Add("post", "err.choose")
	}
	c.Basis = strings.TrimSpace(c.Basis)
	if !slices.Contains(Bases, c.Basis) {
		f.Add("basis", "err.choose")
	}
	c.Concurrent, c.ProspectsNote = text(&f, "concurrent_post", c.Concurrent, maxShort), text(&f, "prospects_note", c.ProspectsNote, maxNote)
	c.Relevance, c.Prospects = strings.TrimSpace(c.Relevance), strings.TrimSpace(c.Prospects)
	if c.Basis == PartTime {
		if c.Concurrent == "" {
			f.Add("concurrent_post", "err.required")
		}
		if !slices.Contains(Relevances, c.Relevance) {
			f.Add("relevance", "err.choose")
		}
		if !slices.Contains(Prospects, c.Prospects) {
			f.Add("prospects", "err.choose")
		}
		if c.Hours < 0 || c.Hours > MaxHours {
			f.Add("hours_per_week", "err.cadre_hours")
		}
	} else {
		c.Concurrent, c.Relevance, c.Prospects, c.ProspectsNote, c.Hours = "", "", "", "", 0
	}
	day := today.In(shanghai).Format(time.DateOnly)
	c.TermStart = strings.TrimSpace(c.TermStart)
	switch {
	case c.TermStart == "":
		f.Add("term_start", "err.required")
	case !validDate(c.TermStart):
		f.Add("term_start", "err.date_format")
	case c.TermStart > day:
		f.Add("term_start", "err.date_future")
	}
	c.TermEnd = strings.TrimSpace(c.TermEnd)
	switch {
	case c.TermEnd == "":
	case !validDate(c.TermEnd):
		f.Add("term_end", "err.date_format")
	case c.TermEnd <= c.TermStart:
		f.Add("term_end", "err.cadre_term_end")
	}
	c.CoManagement = strings.TrimSpace(c.CoManagement)
	if utf8.RuneCountInString(c.CoManagement) > maxCoManage {
		f.Add("co_management", "err.too_long")
	}
	return c, f
}

// checkEnding validates the end of a term that started on start.
func checkEnding(e Ending, start string, today time.Time) (Ending, errs.Fields) {
	var f errs.Fields
	day := today.In(shanghai).Format(time.DateOnly)
	e.EndedOn = strings.TrimSpace(e.EndedOn)
	switch {
	case e.EndedOn == "":
		e.EndedOn = day
	case !validDate(e.EndedOn):
		f.Add("ended_on", "err.date_format")
	case e.EndedOn > day:
		f.Add("ended_on", "err.date_future")
	}
	if _, bad := f["ended_on"]; !bad && e.EndedOn < start {
		f.Add("ended_on", "err.cadre_ended_before")
	}
	e.Reason = text(&f, "end_reason", e.Reason, maxNote)
	return e, f
}

// text trims a one-line field and checks its length and characters.
func text(f *errs.Fields, field, s string, max int) string {
	s = strings.TrimSpace(s)
	switch {
	case utf8.RuneCountInString(s) > max:
		f.Add(field, "err.too_long")
	case !printable(s):
		f.Add(field, "err.invalid")
	}
	return s
}

func validDate(s string) bool {
	t, err := time.Parse(time.DateOnly, s)
	return err == nil && t.Year() >= 1950
}

// printable rejects control characters (a pasted cell may carry them).
func printable(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}
