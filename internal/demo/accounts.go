package demo

import (
	"context"
	"fmt"

	"qinggong/internal/auth"
)

// accountSpec is one demo account: a business role on an organization or
// a region. Officers (sysadmin, secadmin, auditor) are not demo accounts:
// the application creates them at first start.
type accountSpec struct {
	login, name string
	role        auth.Role
	home        int64 // the account's home organization
	scopeKind   string
	scopeID     int64
	scope       string // the scope in words, for the operator
}

// createAccounts creates the accounts through the accounts service, as the
// bootstrap security admin (user 0, so that no grant is a self-grant), with
// generated passwords that are returned once and never stored in clear.
// Like every generated password, each must be changed at first login.
func createAccounts(ctx context.Context, users *auth.Service, specs []accountSpec) ([]Account, error) {
	by := &auth.Actor{UserID: 0, Login: "demo", Grants: []auth.Grant{{Role: auth.SecAdmin, ScopeKind: "global"}}}
	out := make([]Account, 0, len(specs))
	for _, s := range specs {
		id, pw, err := users.CreateUser(ctx, by, auth.NewUser{Login: s.login, Name: s.name, OrgID: s.home})
		if err != nil {
			return nil, fmt.Errorf("demo: account %s: %w", s.login, err)
		}
		if _, err := users.GrantRole(ctx, by, auth.NewGrant{UserID: id, Role: s.role, ScopeKind: s.scopeKind, ScopeID: s.scopeID}); err != nil {
			return nil, fmt.Errorf("demo: grant %s to %s: %w", s.role, s.login, err)
		}
		out = append(out, Account{Login: s.login, Name: s.name, Role: string(s.role), Scope: s.scope, Password: pw})
	}
	return out, nil
}
