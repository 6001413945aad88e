/** "Did you mean": the closest known name to a mistyped one. */
import leven from 'leven';

/** The closest candidate to `input`, if it is close enough to be a plausible typo. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = c.toLowerCase() === needle ? 0 : typoDistance(needle, c.toLowerCase());
    if (d < bestDistance || (d === bestDistance && best !== undefined && c < best)) {
      best = c;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.min(3, Math.floor(Math.max(input.length, best.length) / 3)));
  if (bestDistance <= limit) return best;
  // A zone typed without its region ("Paris" for "Europe/Paris").
  const bySuffix = candidates.find((c) => c.toLowerCase().endsWith(`/${needle}`));
  return bySuffix;
}

/** Edit distance where swapping two neighbouring characters ("titel" for "title") counts as one typo, not two. */
function typoDistance(a: string, b: string): number {
  const d = leven(a, b);
  if (d !== 2 || a.length !== b.length) return d;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const swapped = a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  return swapped ? 1 : d;
}

export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const c = closest(input, candidates);
  return c !== undefined && c !== input ? `did you mean "${c}"?` : undefined;
}
