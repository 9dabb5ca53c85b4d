package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// User is an account as listed and shown.
type User struct {
	ID          int64      `json:"id"`
	Login       string     `json:"login"`
	Name        string     `json:"name"`
	OrgID       int64      `json:"org_id"`
	OrgName     string     `json:"org_name"`
	OrgPath     string     `json:"org_path"`
	MustChange  bool       `json:"must_change"`
	Disabled    bool       `json:"disabled"`
	LockedUntil *time.Time `json:"locked_until"`
	LastLoginAt *time.Time `json:"last_login_at"`
	CreatedAt   time.Time  `json:"created_at"`
	Grants      []Grant    `json:"grants,omitzero"`
}

// NewUser is the input to CreateUser. An empty Password generates one that
// must be changed at first login.
type NewUser struct {
	Login    string
	Name     string
	OrgID    int64
	Password string
}

var loginPattern = regexp.MustCompile(`^[a-z][a-z0-9_.-]{2,31}$`)

// ErrUserNotFound is returned for a missing or out-of-scope account.
var ErrUserNotFound = errs.E(errs.NotFound, "err.not_found")

// CreateUser creates an account whose home org lies in the actor's UserWrite
// scope (or anywhere, for the system admin). It returns the new ID and the
// generated password when none was given; that password is shown once.
func (s *Service) CreateUser(ctx context.Context, by *Actor, in NewUser) (int64, string, error) {
	in.Login = strings.TrimSpace(strings.ToLower(in.Login))
	in.Name = strings.TrimSpace(in.Name)
	var f errs.Fields
	if !loginPattern.MatchString(in.Login) {
		f.Add("login", "err.login_format")
	}
	if in.Name == "" {
		f.Add("name", "err.required")
	} else if len([]rune(in.Name)) > 60 {
		f.Add("name", "err.too_long")
	}
	generated := in.Password == ""
	if generated {
		in.Password = GeneratePassword()
	} else if msg := CheckPolicy(in.Password, in.Login); msg != "" {
		f.Add("password", msg)
	}
	path, err := orgPath(ctx, s.db.R(), in.OrgID)
	if err != nil {
		return 0, "", err
	}
	if path == "" || !(by.Can(UserWrite, path) || by.Can(AccountAdmin, "")) {
		f.Add("org_id", "err.org_unknown")
	}
	if err := f.Err(); err != nil {
		return 0, "", err
	}
	now := s.Now()
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO users (login, name, org_id, password_hash, must_change, password_changed_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, in.Login, in.Name, in.OrgID, HashPassword(in.Password, s.hash), generated, now).Scan(&id)
		if db.IsUniqueViolation(err) {
			return &errs.Error{Kind: errs.Invalid, Msg: "err.invalid", Fields: map[string]string{"login": "err.login_taken"}}
		}
		if err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "user.create", ObjectType: "user", ObjectID: id, OrgID: in.OrgID,
			Summary: fmt.Sprintf("login=%s name=%s org=%d", in.Login, audit.Clean(in.Name), in.OrgID)})
	})
	if err != nil {
		return 0, "", err
	}
	if !generated {
		return id, "", nil
	}
	return id, in.Password, nil
}

// SetPassword sets a user's password after checking the policy and ends all
// of their sessions. mustChange forces another change at next login (resets).
func (s *Service) SetPassword(ctx context.Context, userID int64, password string, mustChange bool) error {
	u, err := s.userByID(ctx, s.db.R(), userID)
	if err != nil {
		return err
	}
	if msg := CheckPolicy(password, u.Login); msg != "" {
		return &errs.Error{Kind: errs.Invalid, Msg: "err.invalid", Fields: map[string]string{"password": msg}}
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change = $2, password_changed_at = $3 WHERE id = $4`,
			HashPassword(password, s.hash), mustChange, s.Now(), userID); err != nil {
			return err
		}
		if err := endSessions(ctx, tx, userID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "user.password", ObjectType: "user", ObjectID: userID, OrgID: u.OrgID})
	})
}

// ChangeOwnPassword checks the current password before setting a new one.
func (s *Service) ChangeOwnPassword(ctx context.Context, a *Actor, current, next string) error {
	var hash string
	if err := s.db.R().QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, a.UserID).Scan(&hash); err != nil {
		return err
	}
	if ok, _ := CheckPassword(current, hash, s.hash); !ok {
		return &errs.Error{Kind: errs.Invalid, Msg: "err.invalid", Fields: map[string]string{"current": "err.password_wrong"}}
	}
	if current == next {
		return &errs.Error{Kind: errs.Invalid, Msg: "err.invalid", Fields: map[string]string{"password": "err.password_same"}}
	}
	return s.SetPassword(ctx, a.UserID, next, false)
}

// Reauthenticate checks the actor's password again before a sensitive act
// (an export with full identifiers). A wrong password counts towards the
// lockout like a failed login and is audited.
func (s *Service) Reauthenticate(ctx context.Context, a *Actor, password string) error {
	var hash string
	if err := s.db.R().QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, a.UserID).Scan(&hash); err != nil {
		return err
	}
	if ok, _ := CheckPassword(password, hash, s.hash); ok {
		return nil
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := s.recordFailure(ctx, tx, a.UserID, s.Now()); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "auth.reauth", Result: "fail", ObjectType: "user", ObjectID: a.UserID, OrgID: a.OrgID})
	})
	if err != nil {
		return err
	}
	return &errs.Error{Kind: errs.Invalid, Msg: "err.invalid", Fields: map[string]string{"password": "err.password_wrong"}}
}

// Unlock lifts a lockout (security admin).
func (s *Service) Unlock(ctx context.Context, by *Actor, userID int64) error {
	if !by.Can(SecurityAdmin, "") {
		return errs.E(errs.Forbidden, "err.forbidden")
	}
	u, err := s.userByID(ctx, s.db.R(), userID)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET locked_until = NULL WHERE id = $1`, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE user_id = $1`, userID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "user.unlock", ObjectType: "user", ObjectID: userID, OrgID: u.OrgID})
	})
}

// SetDisabled disables or enables an account (system admin); disabling ends its sessions.
func (s *Service) SetDisabled(ctx context.Context, by *Actor, userID int64, disabled bool) error {
	if !by.Can(AccountAdmin, "") {
		return errs.E(errs.Forbidden, "err.forbidden")
	}
	if userID == by.UserID {
		return errs.E(errs.Conflict, "err.self_action")
	}
	u, err := s.userByID(ctx, s.db.R(), userID)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $1 WHERE id = $2`, disabled, userID); err != nil {
			return err
		}
		if disabled {
			if err := endSessions(ctx, tx, userID); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "user.disable", ObjectType: "user", ObjectID: userID, OrgID: u.OrgID,
			Summary: fmt.Sprintf("disabled=%t", disabled)})
	})
}

const userColumns = `u.id, u.login, u.name, u.org_id, o.name, o.path, u.must_change, u.disabled, u.locked_until, u.last_login_at, u.created_at`

func scanUser(sc interface{ Scan(...any) error }, u *User) error {
	var locked, last sql.NullTime
	if err := sc.Scan(&u.ID, &u.Login, &u.Name, &u.OrgID, &u.OrgName, &u.OrgPath, &u.MustChange, &u.Disabled, &locked, &last, &u.CreatedAt); err != nil {
		return err
	}
	if locked.Valid {
		u.LockedUntil = &locked.Time
	}
	if last.Valid {
		u.LastLoginAt = &last.Time
	}
	return nil
}

func (s *Service) userByID(ctx context.Context, q db.Q, id int64) (*User, error) {
	var u User
	err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = $1`, id), &u)
	if errors.Is(err, db.ErrNoRows) {
		return nil, ErrUserNotFound
	}
	return &u, err
}

// FindUserByID returns the account if its home org is in the actor's UserRead scope.
func (s *Service) FindUserByID(ctx context.Context, by *Actor, id int64) (*User, error) {
	u, err := s.userByID(ctx, s.db.R(), id)
	if err != nil {
		return nil, err
	}
	if !by.Can(UserRead, u.OrgPath) {
		return nil, ErrUserNotFound
	}
	ua := &Actor{UserID: u.ID}
	if err := s.loadActor(ctx, s.db.R(), ua); err != nil {
		return nil, err
	}
	u.Grants = ua.Grants
	return u, nil
}

// FindUserByLogin returns the account with that login (command line use).
func (s *Service) FindUserByLogin(ctx context.Context, login string) (*User, error) {
	var u User
	err := scanUser(s.db.R().QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.login = $1`, login), &u)
	if errors.Is(err, db.ErrNoRows) {
		return nil, ErrUserNotFound
	}
	return &u, err
}

// UserFilter selects accounts; After is the last login of the previous page.
type UserFilter struct {
	Query string
	After string
	Limit int
}

// FindUsers lists accounts in the actor's UserRead scope, by login, keyset-paged.
func (s *Service) FindUsers(ctx context.Context, by *Actor, f UserFilter) ([]User, error) {
	var a db.Args
	where := by.Scope(UserRead).Where("o.path", &a)
	if q := strings.TrimSpace(strings.ToLower(f.Query)); q != "" {
		where += " AND u.login >= " + a.Add(q) + " AND u.login < " + a.Add(q+"\U0010FFFF")
	}
	if f.After != "" {
		where += " AND u.login > " + a.Add(f.After)
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+userColumns+` FROM users u JOIN orgs o ON o.id = u.org_id
		WHERE `+where+` ORDER BY u.login LIMIT `+a.Add(f.Limit), a.List()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		if err := scanUser(rows, &u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
