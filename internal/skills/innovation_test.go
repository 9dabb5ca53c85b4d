package skills_test

import (
	"bytes"
	"testing"

	"qinggong/internal/attach"
	"qinggong/internal/errs"
	"qinggong/internal/skills"
	"qinggong/internal/svctest"
)

func TestInnovation(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		a, b := f.worker(t, "革新甲", "钳工", 4, f.B1, 31), f.worker(t, "革新乙", "钳工", 4, f.U1Org, 32)
		outsider := f.worker(t, "外区人", "钳工", 4, f.U2, 33)
		in := skills.InnovationInput{OrgID: f.U1Org.ID, Kind: "improvement", Title: "冷却液循环利用装置", Description: "改造冷却液回收管路，年节约冷却液 30 吨。",
			BenefitYuan: 120000, EnergyKWh: 8000, Tags: []string{"green", "energy"}, Submitters: []int64{a.ID, b.ID}}
		bad := in
		bad.Submitters = []int64{a.ID, outsider.ID}
		_, err := f.skills.FileInnovation(f.Ctx, f.U1, bad)
		svctest.WantField(t, err, "submitters.1", "err.competition_member")
		bad = in
		bad.Kind, bad.Tags = "patent", []string{"shiny"}
		_, err = f.skills.FileInnovation(f.Ctx, f.U1, bad)
		svctest.WantField(t, err, "kind", "err.choose")
		bad = in
		bad.Files = []*attach.File{{Name: "说明.txt", Data: []byte("plain text is not a drawing")}}
		_, err = f.skills.FileInnovation(f.Ctx, f.U1, bad)
		svctest.WantField(t, err, "files", "err.objection_file_type")
		png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
		in.Files = []*attach.File{{Name: `..\图纸.png`, Type: "text/html", Data: png}}
		x, err := f.skills.FileInnovation(f.Ctx, f.U1, in)
		if err != nil || len(x.Submitters) != 2 || len(x.Tags) != 2 || x.Status != skills.InnovationSubmitted {
			t.Fatalf("filed = %+v, %v", x, err)
		}
		if len(x.Files) != 1 || x.Files[0].Name != "图纸.png" || x.Files[0].Type != "image/png" || x.Files[0].Size != len(png) {
			t.Fatalf("files = %+v", x.Files)
		}
		if got, err := f.skills.InnovationFile(f.Ctx, f.D1Admin, x.ID, 1); err != nil || !bytes.Equal(got.Data, png) {
			t.Fatalf("file = %v", err)
		}
		_, err = f.skills.InnovationFile(f.Ctx, f.B2, x.ID, 1)
		svctest.WantKind(t, err, errs.NotFound) // the other district's cadre
		_, err = f.skills.InnovationFile(f.Ctx, f.D1Admin, x.ID, 2)
		svctest.WantKind(t, err, errs.NotFound)
		if list, err := f.skills.Innovations(f.Ctx, f.D1Admin, "energy"); err != nil || len(list) != 1 {
			t.Fatalf("energy-tagged list: %d, %v", len(list), err)
		}
		_, err = f.skills.Innovation(f.Ctx, f.B2, x.ID)
		svctest.WantKind(t, err, errs.NotFound)
		_, err = f.skills.Evaluate(f.Ctx, f.V1, x.ID, "unit", true, "")
		svctest.WantKind(t, err, errs.Forbidden)
		_, err = f.skills.Evaluate(f.Ctx, f.U1, x.ID, "galaxy", true, "")
		svctest.WantField(t, err, "level", "err.choose")
		got, err := f.skills.Evaluate(f.Ctx, f.D1Admin, x.ID, "industry", true, "区级推广")
		if err != nil || got.Level != "industry" || !got.Adopted {
			t.Fatalf("evaluated = %+v, %v", got, err)
		}
		_, err = f.skills.Evaluate(f.Ctx, f.D1Admin, x.ID, "city", true, "")
		svctest.WantMsg(t, err, errs.Conflict, "err.innovation_evaluated")
		for _, p := range []int64{a.ID, b.ID} {
			if tr, _ := f.skills.Transcript(f.Ctx, f.City, p, 0); tr.Total != 6 { // the industry rule
				t.Errorf("person %d has %d credits, want 6", p, tr.Total)
			}
		}
		f.check(t)
	})
}
