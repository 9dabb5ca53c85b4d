package person

import "qinggong/internal/pinyin"

// surnames read differently as family names than their most common
// reading, which go-pinyin gives (曾 ceng → zeng, 单 dan → shan …).
var surnames = map[rune]byte{
	'曾': 'z', '单': 's', '解': 'x', '区': 'o', '仇': 'q', '朴': 'p', '查': 'z', '盖': 'g', '乐': 'y',
	'召': 's', '缪': 'm', '覃': 'q', '翟': 'z', '尉': 'y', '员': 'y', '隗': 'w', '秘': 'b', '种': 'c',
	'繁': 'p', '折': 's', '句': 'g', '那': 'n', '長': 'c', '长': 'c', '重': 'c', '车': 'c', '沈': 's',
}

// Initials returns the lower-case pinyin initials of a name: 张三 → "zs",
// 曾小贤 → "zxx". A name search by letters is a prefix search on them.
func Initials(name string) string { return pinyin.Initials(name, surnames, nil) }
