package org

import (
	"context"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// ViewOrg is the organization a subtree view is about: the one named by
// param (an ID, from ?org=) if the actor holds perm there, else the
// actor's home organization if they do, else the top of their scope.
func (s *Service) ViewOrg(ctx context.Context, by *auth.Actor, perm auth.Permission, param string) (*Org, error) {
	if id, err := strconv.ParseInt(param, 10, 64); err == nil && id > 0 {
		o, err := s.FindByID(ctx, by, id)
		if err != nil || !by.Can(perm, o.Path) {
			return nil, errs.ErrNotFound
		}
		return o, nil
	}
	if o, err := s.FindByID(ctx, by, by.OrgID); err == nil && by.Can(perm, o.Path) {
		return o, nil
	}
	sc := by.Scope(perm)
	if sc.All {
		return s.Root(ctx)
	}
	if len(sc.Prefixes) > 0 {
		ids := db.PathIDs(sc.Prefixes[0])
		return s.FindByID(ctx, by, ids[len(ids)-1])
	}
	return nil, errs.ErrNotFound
}

// ChildrenOf lists up to limit active children of o the actor may read, in
// code order.
func (s *Service) ChildrenOf(ctx context.Context, by *auth.Actor, o *Org, limit int) ([]Org, error) {
	var kids []Org
	for after := ""; len(kids) < limit; {
		pg, err := s.Find(ctx, by, Filter{Parent: o.ID, After: after, Limit: 200, Brief: true})
		if err != nil {
			return nil, err
		}
		kids = append(kids, pg.Orgs...)
		if pg.Next == "" {
			break
		}
		after = pg.Next
	}
	return kids, nil
}
