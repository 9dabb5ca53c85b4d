package person_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/person"
	"qinggong/internal/pii"
)

// idEnding123X is a valid number of a man from region 310115 whose last
// four characters are "123X" (the sequence 123 and check character X).
func idEnding123X(t *testing.T) (number, birth string) {
	t.Helper()
	for d := time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2005; d = d.AddDate(0, 0, 1) {
		first17 := "310115" + d.Format("20060102") + "123"
		if pii.CheckChar(first17) == 'X' {
			return first17 + "X", d.Format(time.DateOnly)
		}
	}
	t.Fatal("no birth date gives check character X")
	return "", ""
}

func TestCreate(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			number, birth := idEnding123X(t)
			mark := f.mark(t)
			in := person.Input{Name: " 张三 ", OrgID: f.b1.ID, IDNumber: strings.ToLower(number), Phone: "13812345678",
				Email: "zs@example.com", Political: person.Party, Trade: "电工", SkillLevel: 3, SkillBody: "市鉴定中心",
				Tags: []string{"migrant", " builder ", "migrant", ""}}
			p := f.create(t, f.cadre1, in)
			if p.Name != "张三" || p.Initials != "zs" || p.Gender != person.Male || p.BirthDate != birth ||
				p.IDMasked != "310***********123X" || p.PhoneMasked != "138****5678" || p.OrgID != f.b1.ID ||
				p.OrgPath != f.b1.Path || p.Status != person.Active || p.Political != person.Party || p.SkillLevel != 3 ||
				fmt.Sprint(p.Tags) != "[builder migrant]" || !p.CreatedAt.Equal(f.clock.Now()) {
				t.Errorf("created = %+v", p)
			}
			got, err := f.people.Get(f.ctx, f.viewer1, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.IDMasked != "310***********123X" || got.PhoneMasked != "138****5678" || got.Email != "zs@example.com" ||
				got.Trade != "电工" || fmt.Sprint(got.Tags) != "[builder migrant]" {
				t.Errorf("Get = %+v", got)
			}
			if n := f.count(t, `SELECT count(*) FROM person_tags WHERE person_id = $1`, p.ID); n != 2 {
				t.Errorf("person_tags rows = %d, want 2", n)
			}
			sk, err := f.people.Skills(f.ctx, f.cadre1, p.ID)
			if err != nil || len(sk) != 1 || sk[0].Level != 3 || sk[0].Body != "市鉴定中心" || sk[0].CertifiedOn != "2025-03-01" {
				t.Errorf("Skills = %+v, %v", sk, err)
			}
			if got := f.auditSince(t, mark); fmt.Sprint(got) != fmt.Sprintf("[person.create %d org=%d]", p.ID, f.b1.ID) {
				t.Errorf("audit = %q", got)
			}
			f.wantRollupsClean(t)
		})
	})
	t.Run("DerivedGenderAndBirth", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			female := f.create(t, f.admin, person.Input{Name: "李娜", OrgID: f.d1.ID, IDNumber: f.idNumber("20010709", false)})
			if female.Gender != person.Female || female.BirthDate != "2001-07-09" || female.PhoneMasked != "" ||
				female.Political != person.None || fmt.Sprint(female.Tags) != "[]" {
				t.Errorf("female = %+v", female)
			}
			given := f.create(t, f.admin, person.Input{Name: "王强", OrgID: f.d1.ID, IDNumber: f.idNumber("19980101", true),
				Gender: person.Male, BirthDate: "1998-01-01"})
			if given.Gender != person.Male || given.BirthDate != "1998-01-01" {
				t.Errorf("given = %+v", given)
			}
		})
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			f.add(t, "已有", f.d1)
			before := f.written(t)
			valid := func() person.Input { return f.input("赵六", f.u1) }
			badCheck := valid()
			last := badCheck.IDNumber[17]
			badCheck.IDNumber = badCheck.IDNumber[:17] + map[bool]string{true: "0", false: "1"}[last == '1']
			tooManyTags := valid()
			for i := range 11 {
				tooManyTags.Tags = append(tooManyTags.Tags, fmt.Sprintf("t%d", i))
			}
			for _, tc := range []struct {
				name string
				edit func(*person.Input)
				want map[string]string
			}{
				{"GenderMismatch", func(in *person.Input) { in.Gender = person.Female }, map[string]string{"gender": "err.id_gender"}},
				{"GenderUnknown", func(in *person.Input) { in.Gender = "x" }, map[string]string{"gender": "err.invalid"}},
				{"BirthMismatch", func(in *person.Input) { in.BirthDate = "1999-03-16" }, map[string]string{"birth_date": "err.id_birth_mismatch"}},
				{"BirthMalformed", func(in *person.Input) { in.BirthDate = "1999/03/15" }, map[string]string{"birth_date": "err.date"}},
				{"CheckDigit", func(in *person.Input) { *in = badCheck }, map[string]string{"id_number": "err.id_check"}},
				{"IDMissing", func(in *person.Input) { in.IDNumber = " " }, map[string]string{"id_number": "err.required"}},
				{"IDShort", func(in *person.Input) { in.IDNumber = in.IDNumber[:17] }, map[string]string{"id_number": "err.id_length"}},
				{"IDRegion", func(in *person.Input) { in.IDNumber = "99" + in.IDNumber[2:] }, map[string]string{"id_number": "err.id_region"}},
				{"IDFutureBirth", func(in *person.Input) { in.IDNumber = f.idNumber("20250302", true) }, map[string]string{"id_number": "err.id_birth"}},
				{"PhoneShape", func(in *person.Input) { in.Phone = "12345678901" }, map[string]string{"phone": "err.phone"}},
				{"PhoneShort", func(in *person.Input) { in.Phone = "1381234567" }, map[string]string{"phone": "err.phone"}},
				{"Email", func(in *person.Input) { in.Email = "zhao@localhost" }, map[string]string{"email": "err.email"}},
				{"NameMissing", func(in *person.Input) { in.Name = "  " }, map[string]string{"name": "err.required"}},
				{"NameTooLong", func(in *person.Input) { in.Name = strings.Repeat("长", 51) }, map[string]string{"name": "err.person_name"}},
				{"TooManyTags", func(in *person.Input) { *in = tooManyTags }, map[string]string{"tags": "err.tags"}},
				{"TagComma", func(in *person.Input) { in.Tags = []string{"a，b"} }, map[string]string{"tags": "err.tags"}},
				{"Political", func(in *person.Input) { in.Political = "communist" }, map[string]string{"political": "err.invalid"}},
				{"SkillLevel", func(in *person.Input) { in.SkillLevel = 6 }, map[string]string{"skill_level": "err.skill_level"}},
				{"Status", func(in *person.Input) { in.Status = "gone" }, map[string]string{"status": "err.invalid"}},
				{"OrgMissing", func(in *person.Input) { in.OrgID = 0 }, map[string]string{"org_id": "err.required"}},
				{"Several", func(in *person.Input) { in.Phone, in.Email = "123", "x" },
					map[string]string{"phone": "err.phone", "email": "err.email"}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					in := valid()
					tc.edit(&in)
					_, err := f.people.Create(f.ctx, f.cadre1, in)
					wantFields(t, err, tc.want)
					if after := f.written(t); after != before {
						t.Errorf("refused create wrote: %s → %s", before, after)
					}
				})
			}
		})
	})
	t.Run("ErrOrgUnknown", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			archived := f.mk(t, f.u1, "X1", "branch")
			if _, err := f.orgs.Archive(f.ctx, f.admin, archived.ID); err != nil {
				t.Fatal(err)
			}
			before := f.written(t)
			for _, tc := range []struct {
				name  string
				by    string
				orgID int64
			}{
				{"OutsideScope", "cadre", f.u2.ID},
				{"Parent", "cadre", f.root.ID},
				{"Missing", "cadre", 999999},
				{"Archived", "cadre", archived.ID},
				{"ArchivedByAdmin", "admin", archived.ID},
				{"ViewerNoWrite", "viewer", f.u1.ID},
			} {
				t.Run(tc.name, func(t *testing.T) {
					by := map[string]*auth.Actor{"cadre": f.cadre1, "admin": f.admin, "viewer": f.viewer1}[tc.by]
					in := f.input("钱七", f.u1)
					in.OrgID = tc.orgID
					_, err := f.people.Create(f.ctx, by, in)
					wantFields(t, err, map[string]string{"org_id": "err.org_unknown"})
					if after := f.written(t); after != before {
						t.Errorf("refused create wrote: %s → %s", before, after)
					}
				})
			}
		})
	})
	t.Run("ErrIDTaken", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			number, _ := idEnding123X(t)
			first := f.create(t, f.admin, person.Input{Name: "孙一", OrgID: f.d1.ID, IDNumber: strings.ToLower(number)})
			before := f.written(t)
			for _, tc := range []struct{ name, number string }{
				{"Same", number}, {"LowerX", strings.ToLower(number)}, {"Spaces", " " + number + " "},
			} {
				t.Run(tc.name, func(t *testing.T) {
					_, err := f.people.Create(f.ctx, f.admin, person.Input{Name: "孙二", OrgID: f.d2.ID, IDNumber: tc.number, Tags: []string{"a"}})
					wantFields(t, err, map[string]string{"id_number": "err.id_taken"})
					if after := f.written(t); after != before {
						t.Errorf("refused create wrote: %s → %s", before, after)
					}
				})
			}
			if _, err := f.people.Get(f.ctx, f.admin, first.ID); err != nil {
				t.Errorf("first person: %v", err)
			}
			f.wantRollupsClean(t)
		})
	})
}

// TestSealedAtRest reads the people table directly: the identifiers are
// stored only sealed, with a keyed hash that is not the number.
func TestSealedAtRest(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		in := f.input("周八", f.b1)
		p := f.create(t, f.admin, in)
		var idSealed, phoneSealed, idHash, phoneHash []byte
		var idMasked, phoneMasked string
		err := f.d.R().QueryRowContext(f.ctx, `SELECT id_sealed, phone_sealed, id_hash, phone_hash, id_masked, phone_masked
			FROM people WHERE id = $1`, p.ID).Scan(&idSealed, &phoneSealed, &idHash, &phoneHash, &idMasked, &phoneMasked)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("Sealed", func(t *testing.T) {
			for _, plain := range []string{in.IDNumber, in.IDNumber[:17], in.IDNumber[6:14], in.Phone, in.Phone[3:]} {
				if bytes.Contains(idSealed, []byte(plain)) || bytes.Contains(phoneSealed, []byte(plain)) {
					t.Errorf("a sealed column holds %q in clear", plain)
				}
			}
			if len(idSealed) < 18+16 || len(phoneSealed) < 11+16 {
				t.Errorf("sealed lengths %d, %d: too short to hold a ciphertext with its tag", len(idSealed), len(phoneSealed))
			}
		})
		t.Run("Hash", func(t *testing.T) {
			if bytes.Contains(idHash, []byte(in.IDNumber[6:14])) || bytes.Contains(phoneHash, []byte(in.Phone[3:])) {
				t.Errorf("hash holds the number: %x, %x", idHash, phoneHash)
			}
			// 16 raw bytes each (BLOB, bytea), not hexadecimal text.
			id, phone := f.people.IDIndex(in.IDNumber), f.people.PhoneIndex(in.Phone)
			if !bytes.Equal(idHash, id[:]) || !bytes.Equal(phoneHash, phone[:]) {
				t.Errorf("stored hashes %x, %x are not the keyed indexes %x, %x", idHash, phoneHash, id, phone)
			}
		})
		t.Run("Masked", func(t *testing.T) {
			if idMasked != in.IDNumber[:3]+strings.Repeat("*", 11)+in.IDNumber[14:] || phoneMasked != in.Phone[:3]+"****"+in.Phone[7:] {
				t.Errorf("masked = %q, %q", idMasked, phoneMasked)
			}
		})
	})
}

// League membership ends at 28: a league member that old is registered as
// aged out unless a status is given; younger ones and others stay active.
func TestCreateAgesOutLeagueMembers(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		for _, c := range []struct {
			birth, political, status, want string
		}{
			{"19900101", person.League, "", person.AgedOut},
			{"19900101", person.League, person.Active, person.Active},
			{"19900101", person.Party, "", person.Active},
			{"20000101", person.League, "", person.Active},
		} {
			in := f.input("团员", f.b1)
			in.IDNumber, in.BirthDate, in.Gender = f.idNumber(c.birth, true), "", ""
			in.Political, in.Status = c.political, c.status
			if p := f.create(t, f.cadre1, in); p.Status != c.want {
				t.Errorf("born %s, %s, status %q: registered %s, want %s", c.birth, c.political, c.status, p.Status, c.want)
			}
		}
	})
}
