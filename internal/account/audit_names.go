package account

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"

	"qinggong/internal/audit"
	"qinggong/internal/db"
)

// objectName is how the audit page names a row's object: a person's
// name (and their page), an organization's or region's name, an import's
// file name, an account's login, a token's name.
type objectName struct {
	Name   string
	Person int64 // the person the object is, or is about (a cadre post, a transfer); 0 for none
}

// objectTables says where each object type's name is read: one SELECT of
// (id, name, person) per type, unioned into one query per page.
var objectTables = map[string]string{
	"person":    `SELECT 'person', id, name, id FROM people`,
	"cadre":     `SELECT 'cadre', c.id, p.name, p.id FROM cadres c JOIN people p ON p.id = c.person_id`,
	"transfer":  `SELECT 'transfer', t.id, p.name, p.id FROM transfers t JOIN people p ON p.id = t.person_id`,
	"org":       `SELECT 'org', id, name, 0 FROM orgs`,
	"region":    `SELECT 'region', id, name, 0 FROM regions`,
	"import":    `SELECT 'import', id, file_name, 0 FROM import_jobs`,
	"user":      `SELECT 'user', id, login, 0 FROM users`,
	"api_token": `SELECT 'api_token', id, name, 0 FROM api_tokens`,
}

// objectIDColumn is the key column of each SELECT above.
var objectIDColumn = map[string]string{"cadre": "c.id", "transfer": "t.id"}

// objectNames names the objects of one page of audit rows in one query.
// The auditor is global, so nothing is filtered by scope; names only,
// never an identifier.
func (h *Handler) objectNames(ctx context.Context, rows []audit.Record) (map[audit.Object]objectName, error) {
	ids := map[string][]int64{}
	seen := map[audit.Object]bool{}
	for _, r := range rows {
		o := audit.Object{Type: r.ObjectType, ID: r.ObjectID}
		if _, ok := objectTables[o.Type]; !ok || o.ID == 0 || seen[o] {
			continue
		}
		seen[o] = true
		ids[o.Type] = append(ids[o.Type], o.ID)
	}
	out := map[audit.Object]objectName{}
	if len(ids) == 0 {
		return out, nil
	}
	var a db.Args
	var parts []string
	for _, typ := range sortedKeys(ids) {
		in := make([]string, len(ids[typ]))
		for i, id := range ids[typ] {
			in[i] = a.Add(id)
		}
		col := objectIDColumn[typ]
		if col == "" {
			col = "id"
		}
		parts = append(parts, objectTables[typ]+` WHERE `+col+` IN (`+strings.Join(in, ", ")+`)`)
	}
	res, err := h.DB.R().QueryContext(ctx, strings.Join(parts, " UNION ALL "), a.List()...)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	for res.Next() {
		var o audit.Object
		var n objectName
		if err := res.Scan(&o.Type, &o.ID, &n.Name, &n.Person); err != nil {
			return nil, err
		}
		out[o] = n
	}
	return out, res.Err()
}

func sortedKeys(m map[string][]int64) []string {
	return slices.Sorted(maps.Keys(m))
}

func personHref(id int64) string { return "/people/" + strconv.FormatInt(id, 10) }
