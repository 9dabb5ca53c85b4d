package cadre_test

import (
	"testing"

	"qinggong/internal/cadre"
	"qinggong/internal/web"
)

// TestCatalogKeys: the keys the pages build from stored values and field
// names (which the web package's literal scan cannot see) exist in both
// languages.
func TestCatalogKeys(t *testing.T) {
	keys := []string{"event." + cadre.KindAppointed, "event." + cadre.KindEnded}
	for field, values := range map[string][]string{"post": cadre.Posts, "basis": cadre.Bases, "relevance": cadre.Relevances,
		"prospects": cadre.Prospects, "status": append(cadre.Statuses, "all")} {
		for _, v := range values {
			keys = append(keys, "cadre."+field+"."+v)
		}
	}
	for _, field := range []string{"person_id", "org", "org_id", "org_code", "post", "basis", "concurrent_post", "relevance",
		"prospects", "prospects_note", "hours_per_week", "term_start", "term_end", "co_management", "status", "ended_on",
		"end_reason", "min_hours", "after", "limit"} {
		keys = append(keys, "cadre.f."+field)
	}
	for _, hint := range []string{"org_code_hint", "prospects_hint", "hours_hint", "date_hint", "term_end_hint"} {
		keys = append(keys, "cadre."+hint)
	}
	for _, lang := range web.Languages {
		for _, k := range keys {
			if web.Catalog(lang)[k] == "" {
				t.Errorf("%s catalog lacks %s", lang, k)
			}
		}
	}
}
