/** Most words of a search used; more only slow the query down without narrowing it usefully. */
const MAX_TERMS = 16;

/**
 * Turns free text from a user into an FTS5 query that cannot be a syntax error: every word
 * (letters, digits, `_`) becomes a quoted string, so `AND`, `NEAR`, `*`, `"` and parentheses are
 * plain text, and the words are ANDed (FTS5's implicit operator). Returns `null` when nothing
 * searchable is left (e.g. `"*`); the caller then matches nothing rather than everything.
 */
export function toFtsQuery(text: string): string | null {
  const words = text.match(/[\p{L}\p{N}_]+/gu) ?? [];
  if (words.length === 0) return null;
  // Quoted strings are tokenised by FTS5 itself, so "a_b" still finds a description with a_b.
  return words
    .slice(0, MAX_TERMS)
    .map((word) => `"${word}"`)
    .join(' ');
}
