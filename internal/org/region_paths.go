package org

import "context"

// RegionMemberPaths returns the paths of a region's member organizations
// whoever asks: other modules use it to check that an organization lies
// in a region they were given as a scope (a campaign open to a region,
// say), after authorizing the caller themselves. Lists for a user go
// through RegionPaths, which checks that the user may read the region.
func (s *Service) RegionMemberPaths(ctx context.Context, regionID int64) ([]string, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT o.path FROM region_members m JOIN orgs o ON o.id = m.org_id
		WHERE m.region_id = $1 ORDER BY o.path`, regionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
