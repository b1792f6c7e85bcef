/** "Did you mean …?": the known name closest to an unknown one, when it is close enough to be a typo. */

/** Edits (insert, delete, replace, swap two neighbours) from one to the other: `frist` is one from `first`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  let prevMin = 0;
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1))
        v = Math.min(v, before[j - 2] + 1);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    // a swap reaches back two rows: only two rows over the limit close the way
    if (rowMin > limit && prevMin > limit) return limit + 1;
    before = prev;
    prev = cur;
    prevMin = rowMin;
  }
  return prev[b.length];
}

/**
 * Suggestions cost an edit distance per known name; a file with thousands of misspellings would make
 * that quadratic, so each check has a budget of comparisons, after which names get no suggestion.
 */
const BUDGET = 2_000_000;
let spent = 0;

export function resetSuggestionBudget(): void {
  spent = 0;
}

export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 3));
  const list = Array.isArray(candidates) ? (candidates as string[]) : [...candidates];
  if (spent + list.length > BUDGET) return undefined;
  spent += list.length;
  candidates = list;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** The help for an unknown name: the nearest known one, or the known ones, or how to declare one. */
export function suggestion(name: string, known: Iterable<string>, what: string): string {
  const list = [...known];
  const guess = nearest(name, list);
  if (guess) return `did you mean \`${guess}\`?`;
  if (list.length === 0) return `no ${what} is declared`;
  const shown = list
    .slice(0, 8)
    .map((k) => `\`${k}\``)
    .join(", ");
  return `known ${what}s: ${shown}${list.length > 8 ? `, and ${list.length - 8} more` : ""}`;
}
