package person

import (
	"context"
	"slices"
	"strings"

	"qinggong/internal/db"
)

// The name, initials and phone indexes lead with each person's district:
// the path of the district (or industry-system) committee above them, the
// first two segments of their path ("/1/12/345/" → "/1/12/"; the root's
// people have the root's path). An import comes from one committee and
// lands in one district, so a batch writes those indexes in one district's
// part instead of at random over the whole city: with (name, id) keys a
// batch of 10,000 rows dirtied some 4,000 leaves of each index, a page
// written to the WAL and again at the checkpoint for every two or three
// rows (docs/PERFORMANCE.md, session 5). A search reads one district's
// range, or each district's in turn for the city (see find).
//
// The district is an expression over org_path, not a column, so that a
// tree move, which rewrites paths in SQL, keeps it right by itself. The
// queries must spell it exactly as the migrations' indexes do.
func districtSQL(d db.Dialect) string {
	if d == db.Postgres {
		return districtPostgres
	}
	return districtSQLite
}

const (
	districtSQLite = `substr(org_path, 1, instr(substr(org_path, 2), '/') + 1 + ` +
		`instr(substr(org_path, instr(substr(org_path, 2), '/') + 2), '/'))`
	districtPostgres = `substr(org_path, 1, strpos(substr(org_path, 2), '/') + 1 + ` +
		`strpos(substr(org_path, strpos(substr(org_path, 2), '/') + 2), '/'))`
)

// districtOf is the district of path, as districtSQL computes it.
func districtOf(path string) string {
	i := strings.IndexByte(path[min(1, len(path)):], '/') // the second slash is at 1+i
	if i < 0 {
		return path
	}
	j := strings.IndexByte(path[i+2:], '/') // the third at i+2+j
	if j < 0 {
		return path
	}
	return path[:i+2+j+1]
}

// districts returns the districts that hold the place's people, sorted:
// for the whole city the root's and each of its children's paths, read
// from the tree (a few dozen rows through its children index).
func (s *Service) districts(ctx context.Context, pl place) ([]string, error) {
	var out []string
	all := pl.all
	for _, p := range pl.prefixes {
		if strings.Count(p, "/") == 2 {
			all = true // the root's subtree
		} else {
			out = append(out, districtOf(p))
		}
	}
	if !all {
		return dedupe(out), nil
	}
	r, err := s.orgs.Root(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT path FROM orgs WHERE parent_id = $1`, r.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out = []string{r.Path}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return dedupe(out), rows.Err()
}

// dedupe sorts ps and drops repeats.
func dedupe(ps []string) []string {
	slices.Sort(ps)
	return slices.Compact(ps)
}
