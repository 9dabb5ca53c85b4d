package auth_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
)

func TestTokens(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		t.Run("OK", func(t *testing.T) {
			id := f.user(t, "alice", f.u1)
			f.grant(t, id, auth.Cadre, "org", f.d1.ID)
			mark := f.mark(t)
			tok, err := f.auth.CreateToken(f.ctx, id, " ci ", 24*time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(tok, auth.TokenPrefix) || len(tok) != len(auth.TokenPrefix)+43 {
				t.Errorf("token = %q", tok)
			}
			if got := fmt.Sprint(f.auditSince(t, mark)); got != "[token.create ok]" {
				t.Errorf("audit = %s", got)
			}
			a, err := f.auth.TokenActor(f.ctx, tok)
			if err != nil {
				t.Fatal(err)
			}
			if a.UserID != id || a.Login != "alice" || a.Via != "token" || !a.Can(auth.OrgWrite, f.u1.Path) || a.Can(auth.OrgRead, f.d2.Path) {
				t.Errorf("actor = %+v", a)
			}

			// Only the hash is stored: the token text appears in no column.
			var name, hash string
			var expires time.Time
			if err := f.d.R().QueryRowContext(f.ctx, `SELECT name, token_hash, expires_at FROM api_tokens WHERE user_id = $1`, id).Scan(&name, &hash, &expires); err != nil {
				t.Fatal(err)
			}
			secret := strings.TrimPrefix(tok, auth.TokenPrefix)
			if name != "ci" || hash != sha(tok) || strings.Contains(hash, secret) || strings.Contains(name, secret) {
				t.Errorf("stored name %q hash %q", name, hash)
			}
			if !expires.Equal(f.clock.Now().Add(24 * time.Hour)) {
				t.Errorf("expires = %v", expires)
			}
			if n := f.count(t, `SELECT count(*) FROM audit WHERE summary LIKE $1`, "%"+secret+"%"); n != 0 {
				t.Error("the token is in the audit log")
			}
		})
		t.Run("ErrRevoked", func(t *testing.T) {
			id := f.user(t, "rex", f.u1)
			t1, _ := f.auth.CreateToken(f.ctx, id, "one", time.Hour)
			t2, _ := f.auth.CreateToken(f.ctx, id, "two", time.Hour)
			rob := f.user(t, "rob", f.u1)
			tb, _ := f.auth.CreateToken(f.ctx, rob, "rob", time.Hour)
			mark := f.mark(t)
			sec := &auth.Actor{Login: "sec", Grants: []auth.Grant{{Role: auth.SecAdmin, ScopeKind: "global"}}}
			if err := f.auth.SignOut(f.ctx, sec, id); err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(f.auditSince(t, mark)); got != "[user.signout ok]" {
				t.Errorf("audit = %s", got)
			}
			for _, tok := range []string{t1, t2} {
				_, err := f.auth.TokenActor(f.ctx, tok)
				wantKind(t, err, errs.Unauthorized, "err.token_invalid")
			}
			if _, err := f.auth.TokenActor(f.ctx, tb); err != nil {
				t.Errorf("rob's token: %v", err)
			}
		})
		t.Run("ErrExpired", func(t *testing.T) {
			id := f.user(t, "exp.user", f.u1)
			tok, err := f.auth.CreateToken(f.ctx, id, "short", time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(time.Hour - time.Second)
			if _, err := f.auth.TokenActor(f.ctx, tok); err != nil {
				t.Fatalf("token before expiry: %v", err)
			}
			f.clock.Advance(time.Second)
			_, err = f.auth.TokenActor(f.ctx, tok)
			wantKind(t, err, errs.Unauthorized, "err.token_invalid")
		})
		t.Run("ErrDisabledUser", func(t *testing.T) {
			id := f.user(t, "dis.user", f.u1)
			tok, _ := f.auth.CreateToken(f.ctx, id, "x", time.Hour)
			f.exec(t, `UPDATE users SET disabled = TRUE WHERE id = $1`, id)
			_, err := f.auth.TokenActor(f.ctx, tok)
			wantKind(t, err, errs.Unauthorized, "err.token_invalid")
		})
		t.Run("ErrUnknown", func(t *testing.T) {
			id := f.user(t, "unk.user", f.u1)
			tok, _ := f.auth.CreateToken(f.ctx, id, "x", time.Hour)
			for _, bad := range []string{"", strings.TrimPrefix(tok, auth.TokenPrefix), auth.TokenPrefix + auth.NewToken(), tok + "x"} {
				_, err := f.auth.TokenActor(f.ctx, bad)
				wantKind(t, err, errs.Unauthorized, "err.token_invalid")
			}
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			id := f.user(t, "inv.user", f.u1)
			for _, ttl := range []time.Duration{0, -time.Hour, 367 * 24 * time.Hour} {
				_, err := f.auth.CreateToken(f.ctx, id, "x", ttl)
				wantField(t, err, "ttl", "err.ttl_range")
			}
			_, err := f.auth.CreateToken(f.ctx, 999999, "x", time.Hour)
			wantKind(t, err, errs.NotFound, "")
			if n := f.count(t, `SELECT count(*) FROM api_tokens WHERE user_id IN ($1, 999999)`, id); n != 0 {
				t.Errorf("%d tokens stored by refused calls", n)
			}
		})
	})
}

func TestRevokeOwnToken(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		id := f.user(t, "tom", f.u1)
		other := f.user(t, "tim", f.u1)
		tok, _ := f.auth.CreateToken(f.ctx, id, "laptop", time.Hour)
		list, err := f.auth.ListTokens(f.ctx, id)
		if err != nil || len(list) != 1 || list[0].Name != "laptop" || !list[0].Active(f.clock.Now()) {
			t.Fatalf("ListTokens = %+v, %v", list, err)
		}
		wantKind(t, f.auth.RevokeToken(f.ctx, other, list[0].ID), errs.NotFound, "err.not_found")
		if err := f.auth.RevokeToken(f.ctx, id, list[0].ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.auth.TokenActor(f.ctx, tok)
		wantKind(t, err, errs.Unauthorized, "err.token_invalid")
		wantKind(t, f.auth.RevokeToken(f.ctx, id, list[0].ID), errs.NotFound, "err.not_found")
	})
}
