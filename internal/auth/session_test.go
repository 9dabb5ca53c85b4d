package auth_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
)

// login logs in and fails the test unless it succeeds.
func (f *fixture) login(t *testing.T, login, pw string) (string, *auth.Actor) {
	t.Helper()
	tok, a, err := f.auth.Login(f.ctx, login, pw)
	if err != nil {
		t.Fatalf("login %s: %v", login, err)
	}
	return tok, a
}

func (f *fixture) sessions(t *testing.T, userID int64) int {
	t.Helper()
	return f.count(t, `SELECT count(*) FROM sessions WHERE user_id = $1`, userID)
}

func TestLogin(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		t.Run("OK", func(t *testing.T) {
			id := f.user(t, "alice", f.u1)
			f.grant(t, id, auth.Viewer, "org", f.d1.ID)
			mark := f.mark(t)
			tok, a, err := f.auth.Login(f.ctx, "alice", testPassword)
			if err != nil {
				t.Fatal(err)
			}
			if tok == "" || a.UserID != id || a.Login != "alice" || a.OrgID != f.u1.ID || a.Via != "session" || a.MustChange {
				t.Errorf("actor = %+v, token %q", a, tok)
			}
			if len(a.Grants) != 1 || a.Grants[0].Role != auth.Viewer || !a.Can(auth.OrgRead, f.u1.Path) {
				t.Errorf("grants = %+v", a.Grants)
			}
			// Only the token's hash is stored.
			if n := f.count(t, `SELECT count(*) FROM sessions WHERE token_hash = $1 AND user_id = $2`, sha(tok), id); n != 1 {
				t.Errorf("%d session rows under the token's hash", n)
			}
			if n := f.count(t, `SELECT count(*) FROM sessions WHERE token_hash = $1`, tok); n != 0 {
				t.Error("session stores the token itself")
			}
			if got := fmt.Sprint(f.auditSince(t, mark)); got != "[auth.login ok]" {
				t.Errorf("audit = %s", got)
			}
			var actorLogin string
			var actorID int64
			if err := f.d.R().QueryRowContext(f.ctx, `SELECT actor_login, actor_id FROM audit WHERE seq = $1`, mark+1).Scan(&actorLogin, &actorID); err != nil {
				t.Fatal(err)
			}
			if actorLogin != "alice" || actorID != id {
				t.Errorf("audit actor = %s %d", actorLogin, actorID)
			}
			u, err := f.auth.FindUserByLogin(f.ctx, "alice")
			if err != nil {
				t.Fatal(err)
			}
			if u.LastLoginAt == nil || !u.LastLoginAt.Equal(f.clock.Now()) {
				t.Errorf("last login = %v", u.LastLoginAt)
			}
			got, err := f.auth.Session(f.ctx, tok)
			if err != nil || got.UserID != id || got.Via != "session" || len(got.Grants) != 1 {
				t.Errorf("Session = %+v, %v", got, err)
			}
		})
		t.Run("ErrUnauthorizedSame", func(t *testing.T) {
			f.user(t, "bella", f.u1)
			mark := f.mark(t)
			_, _, errWrong := f.auth.Login(f.ctx, "bella", "Not-The-Password-1")
			_, _, errUnknown := f.auth.Login(f.ctx, "nobody", testPassword)
			wantKind(t, errWrong, errs.Unauthorized, "err.login_failed")
			wantKind(t, errUnknown, errs.Unauthorized, "err.login_failed")
			if errWrong.Error() != errUnknown.Error() {
				t.Errorf("errors differ: %q vs %q", errWrong, errUnknown)
			}
			if got := fmt.Sprint(f.auditSince(t, mark)); got != "[auth.login fail auth.login fail]" {
				t.Errorf("audit = %s", got)
			}
			if n := f.count(t, `SELECT count(*) FROM audit WHERE actor_login = 'nobody' AND summary = 'unknown login'`); n != 1 {
				t.Errorf("unknown login audited %d times under its name", n)
			}
		})
		t.Run("Lockout", func(t *testing.T) {
			id := f.user(t, "carl", f.u1)
			mark := f.mark(t)
			for i := 1; i <= 4; i++ {
				_, _, err := f.auth.Login(f.ctx, "carl", "Wrong-Password-1")
				wantKind(t, err, errs.Unauthorized, "err.login_failed")
				// The fourth failure warns: one try left, then locked for 15 minutes.
				var lo *auth.Lockout
				switch warned := errors.As(err, &lo); {
				case i < 4 && warned:
					t.Errorf("failure %d warns: %+v", i, lo)
				case i == 4 && (!warned || lo.Left != 1 || !lo.Until.Equal(f.clock.Now().Add(15*time.Minute))):
					t.Errorf("failure 4: lockout %+v; want 1 left, until %v", lo, f.clock.Now().Add(15*time.Minute))
				}
				f.clock.Advance(time.Minute)
			}
			_, _, err := f.auth.Login(f.ctx, "carl", "Wrong-Password-1")
			wantKind(t, err, errs.Locked, "err.account_locked")
			lockedAt := f.clock.Now()
			var lo *auth.Lockout
			if !errors.As(err, &lo) || !lo.Until.Equal(lockedAt.Add(15*time.Minute)) || lo.Left != 0 {
				t.Errorf("lockout %+v; want until %v", lo, lockedAt.Add(15*time.Minute))
			}
			u, _ := f.auth.FindUserByLogin(f.ctx, "carl")
			if u.LockedUntil == nil || !u.LockedUntil.Equal(lockedAt.Add(15*time.Minute)) {
				t.Errorf("locked until %v", u.LockedUntil)
			}
			// Attempts while locked are refused without counting: five more
			// do not extend the lock, and each tells when it ends.
			f.clock.Advance(time.Minute)
			for range 5 {
				_, _, err = f.auth.Login(f.ctx, "carl", "Wrong-Password-1")
				wantKind(t, err, errs.Locked, "err.account_locked")
				if !errors.As(err, &lo) || !lo.Until.Equal(lockedAt.Add(15*time.Minute)) {
					t.Errorf("while locked: lockout %+v; want until %v", lo, lockedAt.Add(15*time.Minute))
				}
			}
			// While locked even the right password is refused, and no session opens.
			f.clock.Advance(13 * time.Minute)
			_, _, err = f.auth.Login(f.ctx, "carl", testPassword)
			wantKind(t, err, errs.Locked, "err.account_locked")
			if f.sessions(t, id) != 0 {
				t.Error("a session was opened while locked")
			}
			f.clock.Advance(time.Minute + time.Second)
			tok, _ := f.login(t, "carl", testPassword)
			if _, err := f.auth.Session(f.ctx, tok); err != nil {
				t.Errorf("session after the lock lifted: %v", err)
			}
			want := strings.Repeat("auth.login fail ", 4) + "auth.lock ok " + strings.Repeat("auth.login fail ", 7) + "auth.login ok"
			if got := strings.Join(f.auditSince(t, mark), " "); got != want {
				t.Errorf("audit = %s\nwant    %s", got, want)
			}
			// A success clears the count: four more failures do not lock.
			for range 4 {
				_, _, err := f.auth.Login(f.ctx, "carl", "Wrong-Password-1")
				wantKind(t, err, errs.Unauthorized, "err.login_failed")
			}
			f.login(t, "carl", testPassword)
		})
		t.Run("FailuresOutsideWindow", func(t *testing.T) {
			f.user(t, "dora", f.u1)
			for range 4 {
				f.auth.Login(f.ctx, "dora", "Wrong-Password-1")
			}
			f.clock.Advance(15*time.Minute + time.Second)
			// The old four fell out of the window: this is the first of a new five.
			_, _, err := f.auth.Login(f.ctx, "dora", "Wrong-Password-1")
			wantKind(t, err, errs.Unauthorized, "err.login_failed")
			f.login(t, "dora", testPassword)
		})
		t.Run("Unlock", func(t *testing.T) {
			id := f.user(t, "ella", f.u1)
			for range 5 {
				f.auth.Login(f.ctx, "ella", "Wrong-Password-1")
			}
			_, _, err := f.auth.Login(f.ctx, "ella", testPassword)
			wantKind(t, err, errs.Locked, "")

			admin := f.actor(t, "unlock.admin", f.root, auth.OrgAdmin, f.root)
			mark := f.mark(t)
			wantKind(t, f.auth.Unlock(f.ctx, admin, id), errs.Forbidden, "err.forbidden")
			if got := f.auditSince(t, mark); len(got) != 0 {
				t.Errorf("refused unlock audited: %v", got)
			}
			if err := f.auth.Unlock(f.ctx, f.sec, id); err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(f.auditSince(t, mark)); got != "[user.unlock ok]" {
				t.Errorf("audit = %s", got)
			}
			f.login(t, "ella", testPassword)
		})
		t.Run("Disabled", func(t *testing.T) {
			id := f.user(t, "fred", f.u1)
			sys := f.load(t, f.user(t, "sys", f.root))
			f.grant(t, sys.UserID, auth.SysAdmin, "global", 0)
			sys = f.load(t, sys.UserID)
			tok, _ := f.login(t, "fred", testPassword)

			wantKind(t, f.auth.SetDisabled(f.ctx, f.sec, id, true), errs.Forbidden, "")
			wantKind(t, f.auth.SetDisabled(f.ctx, sys, sys.UserID, true), errs.Conflict, "err.self_action")
			mark := f.mark(t)
			if err := f.auth.SetDisabled(f.ctx, sys, id, true); err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(f.auditSince(t, mark)); got != "[user.disable ok]" {
				t.Errorf("audit = %s", got)
			}
			if f.sessions(t, id) != 0 {
				t.Error("disabling left a session")
			}
			_, err := f.auth.Session(f.ctx, tok)
			wantKind(t, err, errs.Unauthorized, "")
			_, _, err = f.auth.Login(f.ctx, "fred", testPassword)
			wantKind(t, err, errs.Unauthorized, "err.login_failed")
			if err := f.auth.SetDisabled(f.ctx, sys, id, false); err != nil {
				t.Fatal(err)
			}
			f.login(t, "fred", testPassword)
		})
		t.Run("StaleHashUpgraded", func(t *testing.T) {
			f.user(t, "gina", f.u1)
			stronger := auth.HashParams{Time: 2, Memory: 128, Threads: 1}
			svc := auth.New(f.d, f.log, stronger, f.clock.Now)
			if _, _, err := svc.Login(f.ctx, "gina", testPassword); err != nil {
				t.Fatal(err)
			}
			var hash string
			if err := f.d.R().QueryRowContext(f.ctx, `SELECT password_hash FROM users WHERE login = 'gina'`).Scan(&hash); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(hash, "$argon2id$v=19$m=128,t=2,p=1$") {
				t.Errorf("hash after login = %s", hash)
			}
			if ok, stale := auth.CheckPassword(testPassword, hash, stronger); !ok || stale {
				t.Errorf("upgraded hash check = %v, %v", ok, stale)
			}
		})
	})
}

func TestSession(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		t.Run("IdleTimeout", func(t *testing.T) {
			id := f.user(t, "alice", f.u1)
			tok, _ := f.login(t, "alice", testPassword)
			f.clock.Advance(29 * time.Minute)
			if _, err := f.auth.Session(f.ctx, tok); err != nil {
				t.Fatalf("after 29 idle minutes: %v", err)
			}
			// That use reset the idle clock.
			f.clock.Advance(29 * time.Minute)
			if _, err := f.auth.Session(f.ctx, tok); err != nil {
				t.Fatalf("after another 29 idle minutes: %v", err)
			}
			f.clock.Advance(31 * time.Minute)
			_, err := f.auth.Session(f.ctx, tok)
			wantKind(t, err, errs.Unauthorized, "err.session_expired")
			if f.sessions(t, id) != 0 {
				t.Error("expired session row not deleted")
			}
			_, err = f.auth.Session(f.ctx, tok)
			wantKind(t, err, errs.Unauthorized, "err.login_required")
		})
		t.Run("AbsoluteTimeout", func(t *testing.T) {
			id := f.user(t, "abby", f.u1)
			tok, _ := f.login(t, "abby", testPassword)
			for elapsed := 10 * time.Minute; elapsed <= 12*time.Hour; elapsed += 10 * time.Minute {
				f.clock.Advance(10 * time.Minute)
				if _, err := f.auth.Session(f.ctx, tok); err != nil {
					t.Fatalf("active session refused after %v: %v", elapsed, err)
				}
			}
			f.clock.Advance(10 * time.Minute)
			_, err := f.auth.Session(f.ctx, tok)
			wantKind(t, err, errs.Unauthorized, "err.session_expired")
			if f.sessions(t, id) != 0 {
				t.Error("expired session row not deleted")
			}
		})
		t.Run("Logout", func(t *testing.T) {
			id := f.user(t, "lou", f.u1)
			tok, a := f.login(t, "lou", testPassword)
			other, _ := f.login(t, "lou", testPassword)
			mark := f.mark(t)
			if err := f.auth.Logout(f.ctx, tok, a); err != nil {
				t.Fatal(err)
			}
			if n := f.count(t, `SELECT count(*) FROM sessions WHERE token_hash = $1`, sha(tok)); n != 0 {
				t.Error("logout left the session row")
			}
			if f.sessions(t, id) != 1 {
				t.Error("logout ended the user's other session")
			}
			_, err := f.auth.Session(f.ctx, tok)
			wantKind(t, err, errs.Unauthorized, "err.login_required")
			if _, err := f.auth.Session(f.ctx, other); err != nil {
				t.Errorf("other session: %v", err)
			}
			if got := fmt.Sprint(f.auditSince(t, mark)); got != "[auth.logout ok]" {
				t.Errorf("audit = %s", got)
			}
		})
		t.Run("SetPasswordEndsSessions", func(t *testing.T) {
			id := f.user(t, "sam", f.u1)
			t1, _ := f.login(t, "sam", testPassword)
			t2, _ := f.login(t, "sam", testPassword)
			sid := f.user(t, "sid", f.u1)
			tb, _ := f.login(t, "sid", testPassword)

			wantField(t, f.auth.SetPassword(f.ctx, id, "short", false), "password", "err.password_short")
			wantField(t, f.auth.SetPassword(f.ctx, id, "Sam-Password-1", false), "password", "err.password_login")
			if f.sessions(t, id) != 2 {
				t.Fatal("a refused password change ended sessions")
			}
			mark := f.mark(t)
			if err := f.auth.SetPassword(f.ctx, id, "New-Password-2025", true); err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(f.auditSince(t, mark)); got != "[user.password ok]" {
				t.Errorf("audit = %s", got)
			}
			if f.sessions(t, id) != 0 || f.sessions(t, sid) != 1 {
				t.Errorf("sessions: sam %d, sid %d; want 0, 1", f.sessions(t, id), f.sessions(t, sid))
			}
			for _, tok := range []string{t1, t2} {
				_, err := f.auth.Session(f.ctx, tok)
				wantKind(t, err, errs.Unauthorized, "")
			}
			if _, err := f.auth.Session(f.ctx, tb); err != nil {
				t.Errorf("sid's session: %v", err)
			}
			_, _, err := f.auth.Login(f.ctx, "sam", testPassword)
			wantKind(t, err, errs.Unauthorized, "err.login_failed")
			_, a := f.login(t, "sam", "New-Password-2025")
			if !a.MustChange {
				t.Error("reset password not flagged must-change")
			}
		})
		t.Run("ChangeOwnPassword", func(t *testing.T) {
			f.user(t, "cody", f.u1)
			_, a := f.login(t, "cody", testPassword)
			wantField(t, f.auth.ChangeOwnPassword(f.ctx, a, "Wrong-Password-1", "New-Password-2025"), "current", "err.password_wrong")
			wantField(t, f.auth.ChangeOwnPassword(f.ctx, a, testPassword, testPassword), "password", "err.password_same")
			if err := f.auth.ChangeOwnPassword(f.ctx, a, testPassword, "New-Password-2025"); err != nil {
				t.Fatal(err)
			}
			_, a = f.login(t, "cody", "New-Password-2025")
			if a.MustChange {
				t.Error("own change left must-change set")
			}
		})
		t.Run("DisabledUserRefused", func(t *testing.T) {
			id := f.user(t, "dina", f.u1)
			tok, _ := f.login(t, "dina", testPassword)
			// Disabled behind the service's back: the session check still refuses.
			f.exec(t, `UPDATE users SET disabled = TRUE WHERE id = $1`, id)
			_, err := f.auth.Session(f.ctx, tok)
			wantKind(t, err, errs.Unauthorized, "err.session_expired")
			if f.sessions(t, id) != 0 {
				t.Error("disabled user's session row not deleted")
			}
		})
		t.Run("ErrUnknownToken", func(t *testing.T) {
			for _, tok := range []string{"", "nonsense", auth.NewToken()} {
				_, err := f.auth.Session(f.ctx, tok)
				wantKind(t, err, errs.Unauthorized, "err.login_required")
			}
		})
	})
}
