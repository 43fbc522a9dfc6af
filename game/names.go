package game

import (
	"strconv"
	"strings"
	"unicode"
)

// DefaultMaxNameLength is the longest player name, in characters, unless Options.MaxNameLength
// says otherwise.
const DefaultMaxNameLength = 16

// CleanName makes a player-chosen name safe to show: invisible characters (see hiddenInName)
// are removed, surrounding space trimmed, and the result cut to maxLen characters. It returns ""
// when nothing visible is left: a name needs a letter, digit, punctuation mark or symbol that
// draws something, since combining marks, spaces and blanks alone look like no name at all.
func CleanName(raw string, maxLen int) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.TrimSpace(raw) {
		if hiddenInName(r) {
			continue
		}
		if n == maxLen {
			break
		}
		b.WriteRune(r)
		n++
	}
	name := strings.TrimSpace(b.String())
	if !strings.ContainsFunc(name, drawsInName) {
		return ""
	}
	return name
}

// hiddenInName reports the characters names lose: controls; format characters (zero-width
// space and joiners, direction marks, the byte order mark, tags); the other default-ignorable
// code points, which render as nothing although some are letters (the Hangul fillers U+115F,
// U+1160, U+3164, U+FFA0) or marks (the combining grapheme joiner); line and paragraph
// separators; and U+FFFD, what invalid UTF-8 decodes to. Variation selectors stay: they are
// default-ignorable too, but choose how the character before them looks (emoji).
func hiddenInName(r rune) bool {
	return unicode.IsControl(r) || r == unicode.ReplacementChar ||
		unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point, unicode.Zl, unicode.Zp)
}

// drawsInName reports a character that shows something on its own: a letter, digit,
// punctuation mark or symbol, except the blank braille pattern U+2800, a symbol that draws
// nothing. Marks only change the character before them.
func drawsInName(r rune) bool {
	return unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S) && r != '\u2800'
}

// uniqueName returns name, or when taken reports it in use, the name with the first free
// number: "Bob (2)", "Bob (3)", ... Its base is cut so that the whole keeps within maxLen
// characters, as CleanName's names do.
func uniqueName(name string, maxLen int, taken func(string) bool) string {
	if !taken(name) {
		return name
	}
	base := []rune(name)
	for n := 2; ; n++ {
		suffix := " (" + strconv.Itoa(n) + ")"
		keep := min(len(base), max(maxLen-len(suffix), 1))
		candidate := strings.TrimSpace(string(base[:keep])) + suffix
		if !taken(candidate) {
			return candidate
		}
	}
}
