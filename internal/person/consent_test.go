package person_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"qinggong/internal/errs"
	"qinggong/internal/person"
)

// Consent is recorded with purpose, version and time; withdrawal keeps
// the row; consenting again adds one; only the current text counts.
func TestConsents(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		p, _, w := f.linked(t, "张三")
		has := func(purpose string) bool {
			t.Helper()
			ok, err := f.people.HasConsent(f.ctx, p.ID, purpose)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if has(person.PurposeRecommendation) {
			t.Fatal("consent before any was given")
		}
		mark := f.mark(t)
		c, created, err := f.people.GiveConsent(f.ctx, w, person.PurposeRecommendation)
		if err != nil || !created || c.Version != "2025.1" || !c.GrantedAt.Equal(f.clock.Now()) {
			t.Fatalf("give = %+v %t %v", c, created, err)
		}
		if again, created, err := f.people.GiveConsent(f.ctx, w, person.PurposeRecommendation); err != nil || created || again.ID != c.ID {
			t.Errorf("giving twice = %+v %t %v, want the first row", again, created, err)
		}
		if !has(person.PurposeRecommendation) || has(person.PurposeContact) {
			t.Error("HasConsent disagrees with what was given")
		}
		f.clock.Advance(time.Hour)
		if n, err := f.people.WithdrawConsent(f.ctx, w, person.PurposeRecommendation); err != nil || n != 1 {
			t.Fatalf("withdraw = %d, %v", n, err)
		}
		if n, err := f.people.WithdrawConsent(f.ctx, w, person.PurposeRecommendation); err != nil || n != 0 {
			t.Errorf("withdrawing again = %d, %v, want a no-op", n, err)
		}
		if has(person.PurposeRecommendation) {
			t.Error("consent still counts after withdrawal")
		}
		if _, created, err := f.people.GiveConsent(f.ctx, w, person.PurposeRecommendation); err != nil || !created {
			t.Fatalf("give again = %t %v", created, err)
		}
		history, err := f.people.OwnConsents(f.ctx, w)
		if err != nil || len(history) != 2 || history[0].WithdrawnAt == nil || !history[0].WithdrawnAt.Equal(f.clock.Now()) ||
			history[1].WithdrawnAt != nil {
			t.Errorf("history = %+v, %v", history, err)
		}
		if a := f.auditSince(t, mark); strings.Join(a, "|") != strings.Join([]string{
			"person.consent.grant " + strconv.FormatInt(p.ID, 10) + " purpose=recommendation version=2025.1",
			"person.consent.withdraw " + strconv.FormatInt(p.ID, 10) + " purpose=recommendation rows=1",
			"person.consent.grant " + strconv.FormatInt(p.ID, 10) + " purpose=recommendation version=2025.1"}, "|") {
			t.Errorf("audit = %q", a)
		}
		// A consent to an older text no longer counts; the person is asked again.
		f.exec(t, `INSERT INTO consents (person_id, purpose, version, granted_at) VALUES ($1, 'contact', '2024.1', $2)`, p.ID, f.clock.Now())
		st := person.ConsentStatuses(mustConsents(t, f, p.ID))
		if has(person.PurposeContact) || st[2].Key != person.PurposeContact || !st[2].Outdated || st[2].Given || !st[1].Given {
			t.Errorf("statuses = %+v", st)
		}
		if n, err := f.people.WithdrawConsent(f.ctx, w, person.PurposeContact); err != nil || n != 1 {
			t.Errorf("withdrawing an outdated consent = %d, %v", n, err)
		}

		t.Run("ErrInvalid", func(t *testing.T) {
			_, _, err := f.people.GiveConsent(f.ctx, w, "marketing")
			wantFields(t, err, map[string]string{"purpose": "err.consent_purpose"})
			_, err = f.people.WithdrawConsent(f.ctx, w, "marketing")
			wantKind(t, err, errs.NotFound)
			if _, err := f.people.HasConsent(f.ctx, p.ID, "marketing"); err == nil {
				t.Error("HasConsent accepted an unknown purpose")
			}
		})
		t.Run("Staff", func(t *testing.T) {
			if _, err := f.people.Consents(f.ctx, f.viewer1, p.ID); err != nil {
				t.Errorf("a D1 viewer cannot read a D1 person's consents: %v", err)
			}
			q := f.add(t, "李四", f.b2)
			_, err := f.people.Consents(f.ctx, f.viewer1, q.ID)
			wantKind(t, err, errs.NotFound)
		})
	})
}

func mustConsents(t *testing.T, f *fixture, id int64) []person.Consent {
	t.Helper()
	c, err := f.people.Consents(f.ctx, f.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
