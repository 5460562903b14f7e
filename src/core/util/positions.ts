/** Offsets ↔ 1-based line/column positions over a text. */
import type { Position, SourceRange } from '../model';

/**
 * Line start offsets of a text, for repeated lookups. Line breaks are `\n`, `\r\n` and a lone
 * `\r`, as in editors; a leading BOM is not counted in line 1's columns (editors do not show it).
 * The one line index of the project: config parsing, secret scanning and reports share it.
 */
export class LineStarts {
  private readonly starts: number[];

  constructor(readonly text: string) {
    this.starts = [text.charCodeAt(0) === 0xfeff ? 1 : 0];
    if (!text.includes('\r')) {
      // The common case, done with indexOf (native) rather than a loop over every character.
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10) this.starts.push(i + 1);
      else if (ch === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** 1-based line of an offset. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineOf(clamped);
    return { line, column: Math.max(0, clamped - this.starts[line - 1]!) + 1, offset: clamped };
  }

  range(start: number, end: number): SourceRange {
    return { start: this.position(start), end: this.position(end) };
  }

  /** Offset of the first character of a 1-based line. */
  lineStart(line: number): number {
    return this.starts[Math.min(Math.max(line, 1), this.starts.length) - 1]!;
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const start = this.lineStart(line);
    const next = line < this.starts.length ? this.starts[line]! : this.text.length;
    return this.text.slice(start, next).replace(/\r?\n$|\r$/, '');
  }
}

export function offsetToPosition(text: string, offset: number): Position {
  return new LineStarts(text).position(offset);
}
