import type { Readable } from 'node:stream';
import { redactUrlsInText } from '../../../base/redact';

/**
 * Keeps the last few lines a child process wrote to stderr, so an exit can be explained
 * ("Connection refused") without keeping or logging everything ffmpeg ever said. URL
 * passwords are masked before a line is kept or passed on.
 */
export class StderrTail {
  readonly #lines: string[] = [];
  readonly #maxLines: number;
  #partial = '';

  constructor(stream: Readable | null, onLine: (line: string) => void = () => {}, maxLines = 8) {
    this.#maxLines = maxLines;
    stream?.setEncoding('utf8');
    stream?.on('data', (text: string) => {
      const parts = (this.#partial + text).split(/\r?\n|\r/);
      this.#partial = (parts.pop() ?? '').slice(-2000);
      for (const part of parts) this.#add(part, onLine);
    });
    stream?.on('end', () => {
      this.#add(this.#partial, onLine);
      this.#partial = '';
    });
  }

  /** The last non-empty line, or undefined if the process said nothing. */
  lastLine(): string | undefined {
    return this.#lines.at(-1);
  }

  /** The kept lines, oldest first. */
  lines(): readonly string[] {
    return this.#lines;
  }

  #add(raw: string, onLine: (line: string) => void): void {
    const line = redactUrlsInText(raw.trim());
    if (!line) return;
    this.#lines.push(line.slice(0, 500));
    if (this.#lines.length > this.#maxLines) this.#lines.shift();
    onLine(line);
  }
}
