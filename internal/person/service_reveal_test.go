package person_test

import (
	"fmt"
	"strings"
	"testing"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/person"
)

func TestReveal(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			d1Admin := f.actor(t, "d1.admin", auth.OrgAdmin, "org", f.d1.ID)
			number, _ := idEnding123X(t)
			p := f.create(t, f.cadre1, person.Input{Name: "张三", OrgID: f.b1.ID, IDNumber: strings.ToLower(number), Phone: "13812345678"})
			for _, by := range []*auth.Actor{d1Admin, f.admin} {
				mark := f.mark(t)
				r, err := f.people.Reveal(f.ctx, by, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				if r.IDNumber != number || r.Phone != "13812345678" {
					t.Errorf("revealed = %+v, want %s and 13812345678", r, number)
				}
				if a := f.auditSince(t, mark); fmt.Sprint(a) != fmt.Sprintf("[person.reveal %d fields=id_number,phone]", p.ID) {
					t.Errorf("audit = %q", a)
				}
			}
			recs, err := f.log.Find(f.ctx, f.d.R(), audit.Filter{Action: "person.reveal"})
			if err != nil || len(recs) != 2 {
				t.Fatalf("audit.Find = %d records, %v", len(recs), err)
			}
			for _, r := range recs {
				if r.ObjectType != "person" || r.ObjectID != p.ID || r.OrgID != f.b1.ID || r.Result != "ok" {
					t.Errorf("reveal record = %+v", r)
				}
			}
		})
	})
	t.Run("NoPhone", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			in := person.Input{Name: "李四", OrgID: f.d1.ID, IDNumber: f.idNumber("20010101", false)}
			p := f.create(t, f.admin, in)
			mark := f.mark(t)
			r, err := f.people.Reveal(f.ctx, f.admin, p.ID)
			if err != nil || r.IDNumber != in.IDNumber || r.Phone != "" {
				t.Errorf("revealed = %+v, %v", r, err)
			}
			if a := f.auditSince(t, mark); len(a) != 1 {
				t.Errorf("audit = %q", a)
			}
		})
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			p := f.add(t, "王五", f.u1)
			mark := f.mark(t)
			for name, by := range map[string]*auth.Actor{"Cadre": f.cadre1, "Viewer": f.viewer1} {
				t.Run(name, func(t *testing.T) {
					r, err := f.people.Reveal(f.ctx, by, p.ID)
					wantKind(t, err, errs.Forbidden)
					if r != (person.Revealed{}) {
						t.Errorf("refused reveal returned %+v", r)
					}
				})
			}
			if a := f.auditSince(t, mark); len(a) != 0 {
				t.Errorf("refused reveals audited: %q", a)
			}
		})
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			d1Admin := f.actor(t, "d1.admin", auth.OrgAdmin, "org", f.d1.ID)
			p := f.add(t, "赵六", f.b2)
			mark := f.mark(t)
			_, err := f.people.Reveal(f.ctx, d1Admin, p.ID)
			wantKind(t, err, errs.NotFound)
			_, err = f.people.Reveal(f.ctx, f.admin, 999999)
			wantKind(t, err, errs.NotFound)
			if a := f.auditSince(t, mark); len(a) != 0 {
				t.Errorf("refused reveals audited: %q", a)
			}
		})
	})
}

// TestAuditHoldsNoIdentifiers runs every kind of write and reveal, then
// scans the whole audit log for any identifier used, and verifies the chain.
func TestAuditHoldsNoIdentifiers(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		var secrets []string
		remember := func(in person.Input) person.Input {
			secrets = append(secrets, in.IDNumber, in.Phone)
			return in
		}
		a := remember(f.input("张三", f.b1))
		b := remember(f.input("李四", f.d2))
		pa := f.create(t, f.cadre1, a)
		pb := f.create(t, f.admin, b)
		if _, err := f.people.Create(f.ctx, f.admin, remember(person.Input{Name: "重复", OrgID: f.d1.ID, IDNumber: a.IDNumber, Phone: f.phone()})); err == nil {
			t.Fatal("duplicate created")
		}
		a2 := a
		a2.IDNumber, a2.Phone, a2.SkillLevel = f.idNumber("19980808", true), f.phone(), 2
		remember(a2)
		if _, err := f.people.Update(f.ctx, f.cadre1, pa.ID, a2); err != nil {
			t.Fatal(err)
		}
		if _, err := f.people.Update(f.ctx, f.cadre1, pa.ID, person.Input{Name: "张三", OrgID: f.u1.ID, ClearPhone: true}); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{pa.ID, pb.ID} {
			if _, err := f.people.Reveal(f.ctx, f.admin, id); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.people.Reveal(f.ctx, f.cadre1, pa.ID); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("cadre reveal: %v", err)
		}
		if _, err := f.orgs.Move(f.ctx, f.admin, f.u1.ID, f.d2.ID); err != nil {
			t.Fatal(err)
		}

		recs, err := f.log.Find(f.ctx, f.d.R(), audit.Filter{Limit: 10000})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, r := range recs {
			actions[r.Action]++
			text := strings.Join([]string{r.Summary, r.ActorLogin, r.IP, r.RequestID, r.Role}, " ")
			for _, s := range secrets {
				if s != "" && (strings.Contains(text, s) || strings.Contains(text, s[len(s)-8:])) {
					t.Errorf("audit row %d (%s) holds identifier %s: %q", r.Seq, r.Action, s, text)
				}
			}
		}
		if actions["person.create"] != 2 || actions["person.update"] != 2 || actions["person.reveal"] != 2 || actions["org.move"] != 1 {
			t.Errorf("audited actions = %v", actions)
		}
		n, problem, err := f.log.Verify(f.ctx, f.d.R())
		if err != nil || problem != nil || n != int64(len(recs)) || n != f.mark(t) {
			t.Errorf("Verify = %d rows, %v, %v; want %d rows intact", n, problem, err, len(recs))
		}
	})
}
