/**
 * Offsets in a decoded string ↔ offsets in the quoted literal it came from. Detection runs on
 * decoded values (`"a\u0041"` is `aA`); a diagnostic has to point into the file's raw text.
 * Handles JSON escapes, plus `\UXXXXXXXX` and `\xXX` (TOML and YAML double-quoted strings).
 */

/**
 * For a raw double-quoted literal *including its quotes*, returns `map` where `map[i]` is the
 * raw offset of decoded code unit `i`, and `map[decodedLength]` is the offset of the closing quote.
 */
export function decodedToRawOffsets(rawLiteral: string): number[] {
  const map: number[] = [];
  const quoted = rawLiteral.length >= 2 && (rawLiteral[0] === '"' || rawLiteral[0] === "'");
  const end = quoted && rawLiteral[rawLiteral.length - 1] === rawLiteral[0] ? rawLiteral.length - 1 : rawLiteral.length;
  let i = quoted ? 1 : 0;
  while (i < end) {
    if (rawLiteral[i] !== '\\' || rawLiteral[0] === "'") {
      map.push(i);
      i += 1;
      continue;
    }
    const kind = rawLiteral[i + 1];
    let length = 2;
    let units = 1;
    if (kind === 'u') {
      length = 6;
    } else if (kind === 'x') {
      length = 4;
    } else if (kind === 'U') {
      length = 10;
      const codePoint = Number.parseInt(rawLiteral.slice(i + 2, i + 10), 16);
      units = codePoint > 0xffff ? 2 : 1;
    }
    for (let u = 0; u < units; u++) map.push(i);
    i += Math.min(length, end - i);
  }
  map.push(end);
  return map;
}

/** Maps a decoded [start, end) to the raw literal's [start, end) (covering whole escape sequences). */
export function mapDecodedRange(rawLiteral: string, start: number, end: number): { start: number; end: number } {
  const map = decodedToRawOffsets(rawLiteral);
  const clamp = (n: number) => Math.max(0, Math.min(n, map.length - 1));
  return { start: map[clamp(start)]!, end: map[clamp(end)]! };
}
