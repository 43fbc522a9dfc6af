// Player names, cleaned in the browser exactly as the server cleans the name a "join" carries,
// so the page can refuse an empty name before asking, and shows the name the others will see.

// Characters a name loses, as on the server: controls, format characters, the other
// default-ignorable ones (the Hangul fillers render as nothing) except variation selectors, line
// and paragraph separators, U+FFFD.
const HIDDEN_IN_NAME = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\uFFFD]|(?!\p{Variation_Selector})\p{Default_Ignorable_Code_Point}/gu;
// A name must draw something: a letter, digit, punctuation mark or symbol (not the blank U+2800).
const DRAWS_IN_NAME = /(?!\u2800)[\p{L}\p{N}\p{P}\p{S}]/u;
const MAX_NAME_LENGTH = 16; // characters, the server's default

/** Cleans a player name the same way the server does: invisible characters out, trimmed, at most 16 characters; '' when nothing visible is left. */
export function cleanName(raw) {
  const stripped = String(raw || '').trim().replace(HIDDEN_IN_NAME, '');
  const name = Array.from(stripped).slice(0, MAX_NAME_LENGTH).join('').trim();
  return DRAWS_IN_NAME.test(name) ? name : '';
}
