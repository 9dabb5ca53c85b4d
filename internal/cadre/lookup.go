package cadre

import (
	"context"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/org"
)

// PersonName returns the name and organization of a person the actor may
// read (PersonRead), for the appointment form; otherwise NotFound.
func (s *Service) PersonName(ctx context.Context, by *auth.Actor, id int64) (name string, orgID int64, err error) {
	p, err := personByID(ctx, s.db.R(), id)
	if err != nil {
		return "", 0, err
	}
	if !by.Can(auth.PersonRead, p.orgPath) {
		return "", 0, errs.ErrNotFound
	}
	return p.name, p.orgID, nil
}

// OrgByCode returns the organization with code if the actor may read it;
// otherwise NotFound, like a code no organization has.
func (s *Service) OrgByCode(ctx context.Context, by *auth.Actor, code string) (*org.Org, error) {
	code = strings.TrimSpace(code)
	if code == "" || len(code) > 40 {
		return nil, errs.ErrNotFound
	}
	id, err := orgIDByCode(ctx, s.db.R(), code)
	if err != nil {
		return nil, err
	}
	if id == 0 {
		return nil, errs.ErrNotFound
	}
	return s.orgs.FindByID(ctx, by, id)
}
