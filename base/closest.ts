/**
 * Edit distance counting a swap of two neighbouring letters as one edit (optimal string
 * alignment), because `detcet` for `detect` is the commonest typo and should be close.
 */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [];
    for (let j = 0; j <= b.length; j++) {
      if (i === 0 || j === 0) {
        row.push(i + j);
        continue;
      }
      const above = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? Math.max(a.length, b.length);
}

// Case and '-' vs '_' are never the point of a key name, so they cost nothing.
function normalise(word: string): string {
  return word.toLowerCase().replaceAll('-', '_');
}

/**
 * The candidate nearest to `word`, or undefined when none is close enough to be a
 * plausible typo (allowed edits grow with the word: 1 up to 4 letters, 2 up to 8, then 3).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const target = normalise(word);
  const allowed = target.length <= 4 ? 1 : target.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(target, normalise(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}
