package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

var errLoginFailed = errs.E(errs.Unauthorized, "err.login_failed")

// Lockout tells a failed login what the lockout holds for it. It is the
// Cause of Login's error: Until is when a locked account opens again (the
// error's kind is then Locked); otherwise Left is how many more failures
// the account takes before it locks, and Until when that lock would end if
// it came now. Left is reported only when one try is left (0 otherwise),
// so the login page can warn before the last one.
//
// Telling it reveals that the login exists; so does the lockout itself,
// and the per-address limit bounds how many logins can be probed.
type Lockout struct {
	Until time.Time
	Left  int
}

func (l *Lockout) Error() string {
	return fmt.Sprintf("lockout until %s, %d tries left", l.Until.Format(time.RFC3339), l.Left)
}

func lockedErr(until time.Time) error {
	return &errs.Error{Kind: errs.Locked, Msg: "err.account_locked", Cause: &Lockout{Until: until}}
}

// Login checks a password and opens a session. Unknown logins and wrong
// passwords give the same error after the same work. Failures count toward
// the lockout; every attempt is audited.
func (s *Service) Login(ctx context.Context, login, password string) (token string, a *Actor, err error) {
	now := s.Now()
	var (
		id         int64
		hash, name string
		orgID      int64
		mustChange bool
		disabled   bool
		lockedTill sql.NullTime
	)
	err = s.db.R().QueryRowContext(ctx, `SELECT id, password_hash, name, org_id, must_change, disabled, locked_until
		FROM users WHERE login = $1`, login).Scan(&id, &hash, &name, &orgID, &mustChange, &disabled, &lockedTill)
	if errors.Is(err, db.ErrNoRows) {
		CheckPassword(password, s.dummy, s.hash)
		ctx = audit.WithMeta(ctx, withLogin(audit.MetaFrom(ctx), 0, login))
		s.db.InTx(ctx, func(tx *db.Tx) error {
			return s.audit.Record(ctx, tx, audit.Entry{Action: "auth.login", Result: "fail", Summary: "unknown login"})
		})
		return "", nil, errLoginFailed
	}
	if err != nil {
		return "", nil, err
	}
	ctx = audit.WithMeta(ctx, withLogin(audit.MetaFrom(ctx), id, login))
	ok, stale := CheckPassword(password, hash, s.hash)
	locked := lockedTill.Valid && lockedTill.Time.After(now)
	if !ok || disabled || locked {
		reason := "wrong password"
		switch {
		case disabled:
			reason = "account disabled"
		case locked:
			reason = "account locked"
		}
		var left int
		err = s.db.InTx(ctx, func(tx *db.Tx) error {
			if !ok && !locked {
				var err error
				if left, err = s.recordFailure(ctx, tx, id, now); err != nil {
					return err
				}
			}
			return s.audit.Record(ctx, tx, audit.Entry{Action: "auth.login", Result: "fail", ObjectType: "user", ObjectID: id, Summary: reason, OrgID: orgID})
		})
		switch {
		case err != nil:
			return "", nil, err
		case locked:
			return "", nil, lockedErr(lockedTill.Time)
		case left == 0 && !ok:
			return "", nil, lockedErr(now.Add(s.LockFor))
		case left == 1 && !disabled:
			return "", nil, &errs.Error{Kind: errs.Unauthorized, Msg: "err.login_failed", Cause: &Lockout{Until: now.Add(s.LockFor), Left: 1}}
		}
		return "", nil, errLoginFailed
	}
	token = NewToken()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if stale {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, HashPassword(password, s.hash), id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE user_id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET last_login_at = $1, locked_until = NULL WHERE id = $2`, now, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen) VALUES ($1, $2, $3, $3)`,
			hashToken(token), id, now); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "auth.login", ObjectType: "user", ObjectID: id, OrgID: orgID})
	})
	if err != nil {
		return "", nil, err
	}
	a = &Actor{UserID: id, Login: login, Name: name, OrgID: orgID, MustChange: mustChange, Via: "session"}
	return token, a, s.loadActor(ctx, s.db.R(), a)
}

func withLogin(m audit.Meta, id int64, login string) audit.Meta {
	m.ActorID, m.Login = id, audit.Clean(login)
	return m
}

// recordFailure counts a failed attempt and locks the account when the
// window holds LockAfter failures. It returns how many more failures the
// account takes before it locks: 0 when this one locked it.
func (s *Service) recordFailure(ctx context.Context, tx *db.Tx, id int64, now time.Time) (int, error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (user_id, at) VALUES ($1, $2)`, id, now); err != nil {
		return 0, err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM login_failures WHERE user_id = $1 AND at > $2`,
		id, now.Add(-s.LockWindow)).Scan(&n); err != nil {
		return 0, err
	}
	if n < s.LockAfter {
		return s.LockAfter - n, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET locked_until = $1 WHERE id = $2`, now.Add(s.LockFor), id); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE user_id = $1`, id); err != nil {
		return 0, err
	}
	return 0, s.audit.Record(ctx, tx, audit.Entry{Action: "auth.lock", ObjectType: "user", ObjectID: id, Summary: "too many failed logins"})
}

// Session returns the actor of a session token, or Unauthorized when the
// token is unknown, idle too long, too old, or its user disabled. Expired
// sessions are deleted, not flagged.
func (s *Service) Session(ctx context.Context, token string) (*Actor, error) {
	if token == "" {
		return nil, errs.E(errs.Unauthorized, "err.login_required")
	}
	now := s.Now()
	th := hashToken(token)
	a := &Actor{Via: "session"}
	var created, seen time.Time
	var disabled bool
	var version string
	err := s.db.R().QueryRowContext(ctx, `SELECT s.user_id, s.created_at, s.last_seen, u.login, u.name, u.org_id, u.must_change, u.disabled, `+db.VersionSQL+`,
		`+db.PeopleVersionSQL+`, `+db.CampaignVersionSQL+`, `+db.CreditsVersionSQL+` FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`, th).
		Scan(&a.UserID, &created, &seen, &a.Login, &a.Name, &a.OrgID, &a.MustChange, &disabled, &version, &a.PeopleVersion, &a.CampaignVersion, &a.CreditsVersion)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.E(errs.Unauthorized, "err.login_required")
	}
	if err != nil {
		return nil, err
	}
	if disabled || now.Sub(seen) > s.IdleTimeout || now.Sub(created) > s.Absolute {
		s.db.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, th)
			return err
		})
		return nil, errs.E(errs.Unauthorized, "err.session_expired")
	}
	// Touch at most once a minute: a write per request would serialize every
	// reader behind SQLite's single writer.
	if now.Sub(seen) > time.Minute {
		s.db.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen = $1 WHERE token_hash = $2`, now, th)
			return err
		})
	}
	a.Version = version
	return a, s.grantsFor(ctx, a, version)
}

// Logout ends the session server-side.
func (s *Service) Logout(ctx context.Context, token string, a *Actor) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashToken(token)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "auth.logout", ObjectType: "user", ObjectID: a.UserID})
	})
}

// endSessions deletes every session of a user (password change, disable).
func endSessions(ctx context.Context, tx *db.Tx, userID int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return err
}
