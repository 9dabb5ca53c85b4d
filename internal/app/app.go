// Package app wires configuration, database, services and the HTTP server
// together; nothing else.
package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"qinggong/internal/account"
	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/cadre"
	"qinggong/internal/campaign"
	"qinggong/internal/career"
	"qinggong/internal/config"
	"qinggong/internal/db"
	"qinggong/internal/event"
	"qinggong/internal/org"
	"qinggong/internal/person"
	"qinggong/internal/pii"
	"qinggong/internal/skills"
	"qinggong/internal/talent"
	"qinggong/internal/web"
)

// App is a wired Qinggong instance.
type App struct {
	Cfg       config.Config
	DB        *db.DB
	Audit     *audit.Log
	Users     *auth.Service
	Orgs      *org.Service
	People    *person.Service
	Cadres    *cadre.Service
	Campaigns *campaign.Service
	Events    *event.Service
	Career    *career.Service
	Talent    *talent.Service
	Skills    *skills.Service
	Router    *web.Router
	Log       *slog.Logger
}

// Options tune an App beyond the configuration (tests use them).
type Options struct {
	Now  func() time.Time
	Hash auth.HashParams
	Log  io.Writer
}

// Open connects to the database, migrates it and wires the services.
func Open(ctx context.Context, cfg config.Config, opt Options) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	// Organizations written before migration 00014 (or by a bulk load)
	// get their pinyin initials for the picker.
	if err := org.New(d, nil, opt.Now).FillInitials(ctx); err != nil {
		d.Close()
		return nil, err
	}
	secret, _, err := config.LoadSecret(cfg.SecretPath())
	if err != nil {
		d.Close()
		return nil, err
	}
	return Wire(d, cfg, secret, opt), nil
}

// Wire builds the App over an open, migrated database.
func Wire(d *db.DB, cfg config.Config, secret []byte, opt Options) *App {
	if opt.Hash == (auth.HashParams{}) {
		opt.Hash = auth.DefaultHash
	}
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	log := web.NewLogger(opt.Log)
	a := &App{Cfg: cfg, DB: d, Log: log}
	a.Audit = audit.New(config.Derive(secret, "audit"), opt.Now)
	a.Users = auth.New(d, a.Audit, opt.Hash, opt.Now)
	a.Users.IdleTimeout, a.Users.Absolute = cfg.IdleTimeout, cfg.SessionMax
	a.Orgs = org.New(d, a.Audit, opt.Now)
	seal, err := pii.NewSealer(1, config.Derive(secret, "pii/encrypt"), config.Derive(secret, "pii/index"))
	if err != nil {
		panic(err) // Derive always returns 32 bytes
	}
	a.People = person.New(d, a.Audit, a.Orgs, seal, opt.Now)
	a.Orgs.OnFacts(a.People.OrgFacts) // the people count on organization pages
	a.Cadres = cadre.New(d, a.Audit, a.Orgs, opt.Now)
	a.Campaigns = campaign.New(d, a.Audit, a.Orgs, opt.Now)
	a.Campaigns.Register(campaign.PersonKind{People: a.People})
	a.Campaigns.Register(campaign.OrgKind{Orgs: a.Orgs})
	a.Events = event.New(d, a.Audit, a.Orgs, a.People, opt.Now)
	a.Career = career.New(d, a.Audit, a.Orgs, a.People, opt.Now)
	a.Talent = talent.New(d, a.Audit, a.Orgs, a.People, a.Campaigns, opt.Now)
	a.Skills = skills.New(d, a.Audit, a.Orgs, a.People, a.Events, a.Campaigns, opt.Now)
	a.Orgs.OnMove(a.Skills.OrgMoved)
	a.Orgs.OnMove(a.Campaigns.OrgMoved)
	a.Orgs.OnMove(a.Events.OrgMoved)
	a.Orgs.OnMove(a.Career.OrgMoved)
	a.Orgs.OnMove(a.Talent.OrgMoved)
	a.Router = web.NewRouter()
	web.SystemRoutes(a.Router, d)
	// 30 login attempts at once per address, then one every 2 seconds.
	logins := web.NewIPLimiter(2*time.Second, 30, opt.Now)
	account.Routes(a.Router, &account.Handler{Users: a.Users, Orgs: a.Orgs, Audit: a.Audit, DB: d, Logins: logins, People: a.People, Cadres: a.Cadres})
	org.Routes(a.Router, &org.Handler{Orgs: a.Orgs})
	person.Routes(a.Router, &person.Handler{People: a.People, Orgs: a.Orgs, Users: a.Users, Cadres: a.Cadres})
	cadre.Routes(a.Router, &cadre.Handler{Cadres: a.Cadres, Orgs: a.Orgs})
	campaign.Routes(a.Router, &campaign.Handler{Campaigns: a.Campaigns, Orgs: a.Orgs, Users: a.Users})
	event.Routes(a.Router, &event.Handler{Events: a.Events})
	career.Routes(a.Router, &career.Handler{Career: a.Career, Orgs: a.Orgs, Talent: a.Talent, Events: a.Events})
	talent.Routes(a.Router, &talent.Handler{Talent: a.Talent})
	skills.Routes(a.Router, &skills.Handler{Skills: a.Skills, Orgs: a.Orgs})
	web.APIDocRoute(a.Router)
	return a
}

// Handler is the full HTTP handler: router behind the middleware chain.
func (a *App) Handler() http.Handler { return web.Chain(a.Router, a.Users, a.Log) }

// Close closes the database.
func (a *App) Close() error { return a.DB.Close() }

// Account is a login and the password generated for it, printed once.
type Account struct {
	Login, Role, Password string
}

// Bootstrap prepares an empty database on first start: the root
// organization, the city administrator and the three officers. Generated
// passwords are returned (to be printed once) and must be changed at first
// login; adminPassword, when set, is admin's and must meet the policy.
func (a *App) Bootstrap(ctx context.Context, adminPassword string) ([]Account, error) {
	if _, err := a.Users.FindUserByLogin(ctx, "admin"); err == nil {
		return nil, nil
	}
	root, err := a.Orgs.CreateRoot(ctx)
	if err != nil {
		return nil, err
	}
	boot := &auth.Actor{Login: "bootstrap", Grants: []auth.Grant{{Role: auth.SecAdmin, ScopeKind: "global"}}}
	ctx = audit.WithMeta(ctx, audit.Meta{Login: "bootstrap"})
	var out []Account
	for _, u := range []struct {
		login, name string
		role        auth.Role
		pw          string
	}{
		{"admin", "团市委管理员", auth.OrgAdmin, adminPassword},
		{"sysadmin", "系统管理员", auth.SysAdmin, ""},
		{"secadmin", "安全管理员", auth.SecAdmin, ""},
		{"auditor", "审计管理员", auth.Auditor, ""},
	} {
		id, generated, err := a.Users.CreateUser(ctx, boot, auth.NewUser{Login: u.login, Name: u.name, OrgID: root.ID, Password: u.pw})
		if err != nil {
			return nil, fmt.Errorf("bootstrap %s: %w", u.login, err)
		}
		g := auth.NewGrant{UserID: id, Role: u.role, ScopeKind: "org", ScopeID: root.ID}
		if _, err := a.Users.GrantRole(ctx, boot, g); err != nil {
			return nil, fmt.Errorf("bootstrap grant %s: %w", u.login, err)
		}
		if generated != "" {
			out = append(out, Account{Login: u.login, Role: string(u.role), Password: generated})
		}
	}
	return out, nil
}
