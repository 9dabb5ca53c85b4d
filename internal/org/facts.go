package org

import (
	"context"

	"qinggong/internal/auth"
)

// Fact is a line that another module adds to an organization's page, such
// as the people registry's count of the organization's people.
type Fact struct {
	Label string // catalog key
	Value string // shown as is
	Href  string // where the value links to ("" for none)
	// Links are actions beside the value (export the organization's people).
	Links []FactLink
}

// FactLink is one action of a Fact.
type FactLink struct {
	Label string // catalog key
	Href  string
}

// FactsFunc returns the facts a module shows on o's page for by (nothing
// where by may not see them). It runs on every organization page view, so
// it must read kept counts, not scan.
type FactsFunc func(ctx context.Context, by *auth.Actor, o *Org) ([]Fact, error)

// OnFacts registers f for organization pages. The modules that know about
// an organization's people (and later its cadres, activities…) import org,
// so org cannot ask them: they register here, at wiring time only (see
// app.Wire). A hook renders with the page, in one request and without
// script, which an htmx fragment served by each module would not.
func (s *Service) OnFacts(f FactsFunc) { s.factHooks = append(s.factHooks, f) }

// Facts gathers every registered module's facts about o for by.
func (s *Service) Facts(ctx context.Context, by *auth.Actor, o *Org) ([]Fact, error) {
	var out []Fact
	for _, f := range s.factHooks {
		fs, err := f(ctx, by, o)
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	return out, nil
}
