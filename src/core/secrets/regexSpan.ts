/**
 * An upper bound on how many characters (UTF-16 code units) one attempt of a regex reads,
 * look-arounds included: the length of its longest possible match plus what its look-behinds
 * and look-aheads examine. Infinity when a quantifier is unbounded or the source uses a
 * back-reference. The provider rules have bounded quantifiers only (providers.ts), so a match
 * that contains a keyword occurrence lies within this many characters of it: scanText.ts
 * checks a rule on windows around its keywords' occurrences instead of over the whole text.
 */
export function regexSpan(re: RegExp): number {
  const src = re.source;
  // With the u/v flag an atom (`.`, a class, an escape) can match a surrogate pair: two units.
  const unit = /[uv]/.test(re.flags) ? 2 : 1;
  let i = 0;

  /** Alternatives: the longest. Stops before `)` or at the end. */
  function alternation(): number {
    let best = sequence();
    while (src[i] === '|') {
      i++;
      best = Math.max(best, sequence());
    }
    return best;
  }

  /** A sequence of quantified atoms: the sum. */
  function sequence(): number {
    let sum = 0;
    while (i < src.length && src[i] !== '|' && src[i] !== ')') sum += quantified(atom());
    return sum;
  }

  function atom(): number {
    const c = src[i]!;
    if (c === '(') {
      i++;
      if (src[i] === '?') {
        // (?: (?= (?! (?<= (?<! (?<name>: every kind reads at most its contents' length.
        i++;
        if (src[i] === '<' && src[i + 1] !== '=' && src[i + 1] !== '!') {
          const close = src.indexOf('>', i);
          if (close < 0) return Infinity;
          i = close + 1;
        } else {
          i += src[i] === '<' ? 2 : 1;
        }
      }
      const inner = alternation();
      if (src[i] !== ')') return Infinity;
      i++;
      return inner;
    }
    if (c === '[') {
      i++;
      if (src[i] === '^') i++;
      // A `]` right after `[` or `[^` closes nothing in JS (an empty class), so no special case.
      while (i < src.length && src[i] !== ']') i += src[i] === '\\' ? 2 : 1;
      if (i >= src.length) return Infinity;
      i++;
      return unit;
    }
    if (c === '\\') {
      const n = src[i + 1] ?? '';
      i += 2;
      if (/[1-9k]/.test(n)) return Infinity; // a back-reference: as long as what it refers to
      if (n === 'b' || n === 'B') return 0;
      if (n === 'x') i += 2;
      else if (n === 'c') i += 1;
      else if (n === 'u') i = src[i] === '{' ? src.indexOf('}', i) + 1 : i + 4;
      else if (n === 'p' || n === 'P') i = src.indexOf('}', i) + 1;
      return unit;
    }
    i++;
    if (c === '^' || c === '$') return 0;
    return unit;
  }

  function quantified(length: number): number {
    const c = src[i];
    let times = 1;
    if (c === '*' || c === '+') {
      times = Infinity;
      i++;
    } else if (c === '?') {
      i++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
      if (m) {
        times = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
        i += m[0].length;
      }
    } else {
      return length;
    }
    if (src[i] === '?') i++; // lazy
    return length === 0 ? 0 : length * times;
  }

  const span = alternation();
  return i === src.length ? span : Infinity;
}
