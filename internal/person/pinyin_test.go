package person

import "testing"

func TestInitials(t *testing.T) {
	for name, want := range map[string]string{
		"张三": "zs", "曾小贤": "zxx", "单田芳": "stf", "解缙": "xj", "李Ming": "lming", "欧阳娜娜": "oynn",
		"区": "o", "": "", "王·小明": "wxm", "仇英": "qy", "朴树": "ps",
	} {
		if got := Initials(name); got != want {
			t.Errorf("Initials(%q) = %q, want %q", name, got, want)
		}
	}
}
