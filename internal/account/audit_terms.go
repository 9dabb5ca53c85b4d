package account

import (
	"context"
	"slices"
	"strings"
	"unicode"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/org"
	"qinggong/internal/person"
	"qinggong/internal/web"
)

// actionPrefix is the catalog's prefix of audit action names:
// audit.action.person.reveal is what person.reveal is called.
const actionPrefix = "audit.action."

// actionCodes lists every action the catalog names, sorted (a test holds
// the catalog to every action the code records).
func actionCodes() []string {
	var out []string
	for k := range web.Catalog(web.Languages[0]) {
		if code, ok := strings.CutPrefix(k, actionPrefix); ok {
			out = append(out, code)
		}
	}
	slices.Sort(out)
	return out
}

// actionLabel is an action's name in the reader's language; an action the
// catalog does not name shows its code.
func actionLabel(ctx context.Context, code string) string {
	if _, ok := web.Catalog(web.Languages[0])[actionPrefix+code]; !ok {
		return code
	}
	return web.T(ctx, actionPrefix+code)
}

// auditReader reads names for the auditor's search. The auditor sees the
// whole log, and so finds its rows by any person's or organization's name:
// the lookups read the whole registry and tree. It holds no other power
// and is never used for a write.
var auditReader = &auth.Actor{Login: "audit.search", Grants: []auth.Grant{{Role: auth.Viewer, ScopeKind: "global"}}}

// namesShown bounds the people and the organizations one search word may
// stand for.
const namesShown = 20

// auditTerms resolves the words of a search to the actions whose code
// or name (in either language) contains them, and,
// for words in Chinese characters, to the people and organizations whose
// names start with them. The log is then read one index range per term.
func (h *Handler) auditTerms(ctx context.Context, q string) ([]string, []audit.Object, error) {
	q = strings.TrimSpace(q)
	lq := strings.ToLower(q)
	var actions []string
	for _, code := range actionCodes() {
		if strings.Contains(code, lq) || labelHas(code, lq) {
			actions = append(actions, code)
		}
	}
	if !strings.ContainsFunc(q, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		return actions, nil, nil // letters or digits: never an ID number or pinyin lookup of people
	}
	var objects []audit.Object
	if h.People != nil {
		pg, err := h.People.Find(ctx, auditReader, person.Filter{Query: q, Status: "all", Limit: namesShown})
		if err != nil {
			return nil, nil, err
		}
		for _, p := range pg.People {
			objects = append(objects, audit.Object{Type: "person", ID: p.ID})
		}
	}
	pg, err := h.Orgs.Find(ctx, auditReader, org.Filter{Query: q, Status: "all", Limit: namesShown})
	if err != nil {
		return nil, nil, err
	}
	for _, o := range pg.Orgs {
		objects = append(objects, audit.Object{Type: "org", ID: o.ID})
	}
	return actions, objects, nil
}

func labelHas(code, lq string) bool {
	for _, l := range web.Languages {
		if strings.Contains(strings.ToLower(web.Catalog(l)[actionPrefix+code]), lq) {
			return true
		}
	}
	return false
}
