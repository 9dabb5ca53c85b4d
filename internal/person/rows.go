package person

import (
	"context"
	"io"
	"strconv"
	"sync"

	"github.com/a-h/templ"

	"qinggong/internal/web"
)

// peopleRows renders the list's rows. It is written by hand rather than in
// templ: templ passes every text expression through fmt.Sprint and every
// attribute through an interface conversion, which for 20 rows of eight
// labelled cells made these rows a quarter of the people page's CPU; here
// they are appended to one buffer and written at once, each label (and
// each value's translation) looked up once per page, and the page serves
// a quarter more requests (docs/PERFORMANCE.md, session 5). The markup is
// the template's, byte for byte; rows_test.go checks the escaping.
func peopleRows(d listData, l *labels) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		var cells [8][]byte
		for i, label := range [...]string{l.name, l.gender, l.age, l.id, l.org, l.trade, l.skill, l.political} {
			c := appendText([]byte(`<td data-label="`), label)
			if i == 3 {
				c = append(c, `" class="nowrap`...) // the masked ID number
			}
			cells[i] = append(c, `">`...)
		}
		tr := translations{ctx: ctx, m: map[[2]string]string{}}
		bp := rowBuffers.Get().(*[]byte)
		defer rowBuffers.Put(bp)
		b := (*bp)[:0]
		cell := func(i int, s string) {
			b = append(b, cells[i]...)
			b = appendText(b, s)
			b = append(b, `</td>`...)
		}
		for i := range d.Page.People {
			x := &d.Page.People[i]
			b = append(b, `<tr>`...)
			b = append(b, cells[0]...)
			b = append(b, `<a href="/people/`...)
			b = strconv.AppendInt(b, x.ID, 10)
			b = append(b, `">`...)
			b = appendText(b, x.Name)
			b = append(b, `</a> `...)
			sep := ""
			if x.Status != Active {
				b = append(b, `<span class="badge archived">`...)
				b = appendText(b, tr.t("status.", x.Status))
				b = append(b, `</span>`...)
				sep = " "
			}
			for _, t := range x.Tags {
				b = append(b, sep+`<span class="badge">`...)
				if t == TagMigrant || t == TagBuilder {
					t = tr.t("tag.", t)
				}
				b = appendText(b, t)
				b = append(b, `</span>`...)
				sep = " "
			}
			b = append(b, `</td>`...)
			cell(1, tr.t("gender.", x.Gender))
			cell(2, strconv.Itoa(x.Age(d.Today)))
			cell(3, x.IDMasked)
			cell(4, dash(d.Orgs[x.OrgID]))
			cell(5, dash(x.Trade))
			cell(6, tr.t("", SkillLevelName(x.SkillLevel)))
			cell(7, tr.t("political.", x.Political))
			b = append(b, `</tr>`...)
		}
		*bp = b
		_, err := w.Write(b)
		return err
	})
}

// rowBuffers keeps the rows' buffers between requests.
var rowBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// translations looks each message up once per page: web.T finds the
// request's language in the context, a walk through every layer added
// since, for each of some hundred labels.
type translations struct {
	ctx context.Context
	m   map[[2]string]string
}

// t is the message of prefix+v.
func (tr *translations) t(prefix, v string) string {
	k := [2]string{prefix, v}
	s, ok := tr.m[k]
	if !ok {
		s = web.T(tr.ctx, prefix+v)
		tr.m[k] = s
	}
	return s
}

// appendText appends s escaped for HTML text or a quoted attribute value,
// as templ.EscapeString escapes it.
func appendText(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;"
		case '"':
			esc = "&#34;"
		default:
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		last = i + 1
	}
	return append(b, s[last:]...)
}
