// Reading quality against the visible text: word recall and character error rate.

/** Lower-case words (letters and digits), as a person would type them. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Share of the reference's words (with repeats) that the read text holds. */
export function wordRecall(reference: string, read: string): { found: number; total: number } {
  const have = new Map<string, number>();
  for (const w of words(read)) have.set(w, (have.get(w) ?? 0) + 1);
  let found = 0;
  const ref = words(reference);
  for (const w of ref) {
    const n = have.get(w) ?? 0;
    if (n > 0) {
      found++;
      have.set(w, n - 1);
    }
  }
  return { found, total: ref.length };
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] as number;
}

/** Edits between the texts (lower case, whitespace collapsed), and the reference's length. */
export function charErrors(reference: string, read: string): { edits: number; total: number } {
  const norm = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ').trim();
  const ref = norm(reference);
  return { edits: levenshtein(ref, norm(read)), total: ref.length };
}
