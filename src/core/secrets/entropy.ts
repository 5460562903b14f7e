/** Cheap statistics that tell random tokens from words, names and placeholders. */

/** Shannon entropy in bits per character (0 for ''). Random base62 of length 40 scores about 5. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  const length = [...value].length;
  for (const count of counts.values()) {
    const p = count / length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

export interface CharClasses {
  lower: boolean;
  upper: boolean;
  digit: boolean;
  /** Anything else except the separators `-`, `_` and `.`, which appear in names too. */
  symbol: boolean;
}

export function charClasses(value: string): CharClasses {
  return {
    lower: /[a-z]/.test(value),
    upper: /[A-Z]/.test(value),
    digit: /[0-9]/.test(value),
    symbol: /[^A-Za-z0-9\-_.]/.test(value),
  };
}

/** How many of lower / upper / digit / symbol occur. */
export function charClassCount(value: string): number {
  const c = charClasses(value);
  return Number(c.lower) + Number(c.upper) + Number(c.digit) + Number(c.symbol);
}
