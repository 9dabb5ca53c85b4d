package person

import (
	"bytes"
	"context"
	"html"
	"strings"
	"testing"
	"time"

	"qinggong/internal/web"
)

// appendText escapes exactly as templ (html.EscapeString) does.
func FuzzAppendText(f *testing.F) {
	for _, s := range []string{"", "张三", `<script>alert("x")</script>`, "a&b'c", "&amp;", "\x00<\xff>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendText([]byte("x"), s)), "x"+html.EscapeString(s); got != want {
			t.Fatalf("appendText(%q) = %q, want %q", s, got, want)
		}
	})
}

// The hand-written rows escape every value a user can set, carry every
// cell's label for the phone layout, and translate coded values.
func TestPeopleRows(t *testing.T) {
	ctx := web.WithLang(context.Background(), "en")
	today := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	d := listData{
		Page: Page{People: []Person{
			{ID: 7, OrgID: 3, Name: `王<b>五</b>`, Gender: "m", BirthDate: "2000-01-01", IDMasked: "310***********123X",
				Trade: `钳工 & "电工"`, SkillLevel: 4, Political: "league", Status: Left, Tags: []string{TagMigrant, `<i>free</i>`}},
			{ID: 8, OrgID: 4, Name: "李四", Gender: "f", BirthDate: "2001-06-30", Political: "none", Status: Active},
		}},
		Orgs:  map[int64]string{3: `Unit <3>`},
		Today: today,
	}
	l := columnLabels(ctx)
	var buf bytes.Buffer
	if err := peopleRows(d, &l).Render(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	for _, want := range []string{
		`<tr><td data-label="` + html.EscapeString(l.name) + `"><a href="/people/7">王&lt;b&gt;五&lt;/b&gt;</a> `,
		`<span class="badge archived">` + html.EscapeString(web.T(ctx, "status.left")) + `</span> <span class="badge">` +
			html.EscapeString(web.T(ctx, "tag.migrant")) + `</span> <span class="badge">&lt;i&gt;free&lt;/i&gt;</span></td>`,
		`<td data-label="` + html.EscapeString(l.age) + `">26</td>`,
		`<td data-label="` + html.EscapeString(l.id) + `" class="nowrap">310***********123X</td>`,
		`<td data-label="` + html.EscapeString(l.org) + `">Unit &lt;3&gt;</td>`,
		`>钳工 &amp; &#34;电工&#34;</td>`,
		`>` + html.EscapeString(web.T(ctx, "person.skill_4")) + `</td>`,
		`>` + html.EscapeString(web.T(ctx, "political.league")) + `</td></tr>`,
		`<a href="/people/8">李四</a> </td><td data-label="` + html.EscapeString(l.gender) + `">` + html.EscapeString(web.T(ctx, "gender.f")),
		`<td data-label="` + html.EscapeString(l.org) + `">—</td>`, // an organization without a name
	} {
		if !strings.Contains(got, want) {
			t.Errorf("rows lack %s\nin %s", want, got)
		}
	}
	if n := strings.Count(got, "<tr>"); n != 2 {
		t.Errorf("%d rows, want 2", n)
	}
}
