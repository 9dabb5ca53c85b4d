package person_test

import (
	"fmt"
	"strings"
	"testing"

	"qinggong/internal/activity"
	"qinggong/internal/errs"
	"qinggong/internal/person"
)

// tagRows lists a person's person_tags rows in tag order.
func (f *fixture) tagRows(t *testing.T, id int64) string {
	t.Helper()
	rows, err := f.d.R().QueryContext(f.ctx, `SELECT tag FROM person_tags WHERE person_id = $1 ORDER BY tag`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var tag string
		if err := rows.Scan(&tag); err != nil {
			t.Fatal(err)
		}
		out = append(out, tag)
	}
	return fmt.Sprint(out)
}

func skillLevels(sk []person.SkillChange) string {
	var out []string
	for _, c := range sk {
		out = append(out, fmt.Sprintf("%d@%s", c.Level, c.CertifiedOn))
	}
	return fmt.Sprint(out)
}

func timelineKinds(rows []activity.Row) string {
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprintf("%s:%d@%d", r.Kind, r.Amount, r.OrgID))
	}
	return fmt.Sprint(out)
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			in := f.input("张三", f.u1)
			in.Tags = []string{"migrant", "old"}
			p := f.create(t, f.cadre1, in)
			if got := f.tagRows(t, p.ID); got != "[migrant old]" {
				t.Fatalf("tags after create = %s", got)
			}
			if tl, err := f.people.Timeline(f.ctx, f.cadre1, p.ID, 0, 0); err != nil || len(tl) != 0 {
				t.Errorf("timeline of a new person without skill = %s, %v (registration is not an activity)", timelineKinds(tl), err)
			}
			f.advanceDays(1)
			mark := f.mark(t)
			in.Name, in.Political, in.Trade, in.Employer, in.Notes = "张叁", person.Party, "焊工", "上海电气", "备注"
			in.Tags = []string{"builder", "migrant"}
			in.SkillLevel, in.SkillDate, in.SkillBody = 4, "2024-06-01", "市鉴定中心"
			got, err := f.people.Update(f.ctx, f.cadre1, p.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "张叁" || got.Initials != "zs" || got.Political != person.Party || got.Trade != "焊工" ||
				got.Employer != "上海电气" || got.Notes != "备注" || got.SkillLevel != 4 || fmt.Sprint(got.Tags) != "[builder migrant]" ||
				got.OrgID != f.u1.ID || !got.UpdatedAt.Equal(f.clock.Now()) || !got.CreatedAt.Equal(p.CreatedAt) {
				t.Errorf("updated = %+v", got)
			}
			if rows := f.tagRows(t, p.ID); rows != "[builder migrant]" {
				t.Errorf("person_tags = %s", rows)
			}
			want := fmt.Sprintf("[person.update %d fields=name,political,trade,skill_level,tags]", p.ID)
			if a := f.auditSince(t, mark); fmt.Sprint(a) != want {
				t.Errorf("audit = %q, want %s", a, want)
			}
			sk, err := f.people.Skills(f.ctx, f.cadre1, p.ID)
			if err != nil || skillLevels(sk) != "[4@2024-06-01]" || sk[0].Body != "市鉴定中心" {
				t.Errorf("skills = %+v, %v", sk, err)
			}

			// A new level is appended; the same level again is not.
			f.advanceDays(1)
			in.SkillLevel, in.SkillDate, in.SkillBody = 3, "", ""
			if _, err := f.people.Update(f.ctx, f.cadre1, p.ID, in); err != nil {
				t.Fatal(err)
			}
			in.Notes = "再改"
			if _, err := f.people.Update(f.ctx, f.cadre1, p.ID, in); err != nil {
				t.Fatal(err)
			}
			sk, err = f.people.Skills(f.ctx, f.viewer1, p.ID)
			if err != nil || skillLevels(sk) != "[3@2025-03-03 4@2024-06-01]" {
				t.Errorf("skills = %s, %v", skillLevels(sk), err)
			}
			tl, err := f.people.Timeline(f.ctx, f.viewer1, p.ID, 0, 0)
			wantTL := fmt.Sprintf("[%s:3@%d %s:4@%d]", person.KindSkill, f.u1.ID, person.KindSkill, f.u1.ID)
			if err != nil || timelineKinds(tl) != wantTL {
				t.Errorf("timeline = %s, %v; want %s", timelineKinds(tl), err, wantTL)
			}
			if n := f.count(t, `SELECT count(*) FROM activity WHERE person_id = $1 AND kind = $2`, p.ID, person.KindSkill); n != 2 {
				t.Errorf("ledger rows = %d, want 2", n)
			}
			in.Tags = nil
			if _, err := f.people.Update(f.ctx, f.cadre1, p.ID, in); err != nil {
				t.Fatal(err)
			}
			if rows := f.tagRows(t, p.ID); rows != "[]" {
				t.Errorf("person_tags after clearing = %s", rows)
			}
			f.wantRollupsClean(t)
		})
	})
	t.Run("PhoneRemovedAndIDChanged", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			in := f.input("王五", f.d1)
			p := f.create(t, f.admin, in)
			mark := f.mark(t)
			in.Phone, in.ClearPhone, in.IDNumber = "", true, f.idNumber("20000101", true)
			got, err := f.people.Update(f.ctx, f.admin, p.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			if got.PhoneMasked != "" || got.IDMasked != in.IDNumber[:3]+strings.Repeat("*", 11)+in.IDNumber[14:] || got.BirthDate != "2000-01-01" {
				t.Errorf("updated = %+v", got)
			}
			if a := f.auditSince(t, mark); fmt.Sprint(a) != fmt.Sprintf("[person.update %d fields=id_number,phone]", p.ID) {
				t.Errorf("audit = %q", a)
			}
			r, err := f.people.Reveal(f.ctx, f.admin, p.ID)
			if err != nil || r.IDNumber != in.IDNumber || r.Phone != "" {
				t.Errorf("reveal = %+v, %v", r, err)
			}
		})
	})
	t.Run("BlankKeepsIdentifiers", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			in := f.input("王五", f.d1)
			p := f.create(t, f.admin, in)
			mark := f.mark(t)
			blank := in
			blank.IDNumber, blank.Phone, blank.Notes = "", "", "只改备注"
			got, err := f.people.Update(f.ctx, f.cadre1, p.ID, blank)
			if err != nil {
				t.Fatal(err)
			}
			if got.IDMasked != p.IDMasked || got.PhoneMasked != p.PhoneMasked || got.Notes != "只改备注" {
				t.Errorf("updated = %+v", got)
			}
			if a := f.auditSince(t, mark); fmt.Sprint(a) != fmt.Sprintf("[person.update %d fields=details]", p.ID) {
				t.Errorf("audit = %q (keeping identifiers is neither a change nor a reveal)", a)
			}
			r, err := f.people.Reveal(f.ctx, f.admin, p.ID)
			if err != nil || r.IDNumber != in.IDNumber || r.Phone != in.Phone {
				t.Errorf("reveal = %+v, %v", r, err)
			}
			if n := f.count(t, `SELECT count(*) FROM people WHERE id_hash = $1 AND phone_hash = $2`,
				f.people.IDIndex(in.IDNumber), f.people.PhoneIndex(in.Phone)); n != 1 {
				t.Errorf("rows with the kept hashes = %d", n)
			}
		})
	})
	t.Run("MoveWithinScope", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			in := f.input("李四", f.u1)
			p := f.create(t, f.cadre1, in)
			in.OrgID = f.b1.ID
			got, err := f.people.Update(f.ctx, f.cadre1, p.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			if got.OrgID != f.b1.ID || got.OrgPath != f.b1.Path {
				t.Errorf("moved = org %d %s, want %d %s", got.OrgID, got.OrgPath, f.b1.ID, f.b1.Path)
			}
			if c := f.counted(t, f.cadre1, person.Filter{Under: f.b1.ID}); c.N != 1 {
				t.Errorf("count under B1 = %+v", c)
			}
			if c := f.counted(t, f.cadre1, person.Filter{Under: f.g1.ID}); c.N != 1 {
				t.Errorf("count under G1 = %+v", c)
			}
			// The zero OrgID keeps the person where they are.
			in.OrgID, in.Notes = 0, "stay"
			if got, err := f.people.Update(f.ctx, f.cadre1, p.ID, in); err != nil || got.OrgID != f.b1.ID {
				t.Errorf("update without org = %v, %v", got, err)
			}
			f.wantRollupsClean(t)
		})
	})
	t.Run("ErrMoveOutsideScope", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			in := f.input("李四", f.u1)
			p := f.create(t, f.cadre1, in)
			archived := f.mk(t, f.u1, "X1", "branch")
			if _, err := f.orgs.Archive(f.ctx, f.admin, archived.ID); err != nil {
				t.Fatal(err)
			}
			before := f.written(t)
			for name, orgID := range map[string]int64{"OtherDistrict": f.u2.ID, "Root": f.root.ID, "Missing": 999999, "Archived": archived.ID} {
				t.Run(name, func(t *testing.T) {
					in := in
					in.OrgID = orgID
					_, err := f.people.Update(f.ctx, f.cadre1, p.ID, in)
					wantFields(t, err, map[string]string{"org_id": "err.org_unknown"})
					if after := f.written(t); after != before {
						t.Errorf("refused update wrote: %s → %s", before, after)
					}
				})
			}
			if got, _ := f.people.Get(f.ctx, f.admin, p.ID); got.OrgID != f.u1.ID {
				t.Errorf("person moved to %d", got.OrgID)
			}
		})
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			in := f.input("李四", f.u1)
			p := f.create(t, f.cadre1, in)
			before := f.written(t)
			in.Name = "改名"
			_, err := f.people.Update(f.ctx, f.viewer1, p.ID, in)
			wantKind(t, err, errs.Forbidden)
			if after := f.written(t); after != before {
				t.Errorf("refused update wrote: %s → %s", before, after)
			}
			if got, _ := f.people.Get(f.ctx, f.viewer1, p.ID); got.Name != "李四" {
				t.Errorf("name = %s", got.Name)
			}
		})
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			in := f.input("刘二", f.b2)
			p := f.create(t, f.admin, in)
			in.Name = "改名"
			_, err := f.people.Update(f.ctx, f.cadre1, p.ID, in)
			wantKind(t, err, errs.NotFound)
			_, err = f.people.Update(f.ctx, f.admin, 999999, in)
			wantKind(t, err, errs.NotFound)
		})
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			a := f.input("甲", f.u1)
			b := f.input("乙", f.u1)
			f.create(t, f.cadre1, a)
			pb := f.create(t, f.cadre1, b)
			before := f.written(t)
			for _, tc := range []struct {
				name string
				edit func(*person.Input)
				want map[string]string
			}{
				{"IDTaken", func(in *person.Input) { in.IDNumber = a.IDNumber }, map[string]string{"id_number": "err.id_taken"}},
				{"Email", func(in *person.Input) { in.Email = "no-at-sign" }, map[string]string{"email": "err.email"}},
				{"Status", func(in *person.Input) { in.Status = "dead" }, map[string]string{"status": "err.invalid"}},
				{"GenderMismatch", func(in *person.Input) { in.Gender = person.Female }, map[string]string{"gender": "err.id_gender"}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					in := b
					tc.edit(&in)
					_, err := f.people.Update(f.ctx, f.cadre1, pb.ID, in)
					wantFields(t, err, tc.want)
					if after := f.written(t); after != before {
						t.Errorf("refused update wrote: %s → %s", before, after)
					}
				})
			}
		})
	})
}
