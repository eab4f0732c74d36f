import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type YAMLError,
} from 'yaml';
import type { PathSegment } from '../../base/pathIssue';
import type { ConfigIssue } from './issue';

/** A parsed YAML config: its plain value, and a way back from a setting's path to its line. */
export interface YamlSource {
  value: unknown;
  /** Line of the key at `path`, or of its nearest enclosing key that exists in the text. */
  lineOf(path: readonly PathSegment[]): number | undefined;
}

/**
 * Parses YAML text. Syntax errors and duplicate keys become issues located as
 * `name:line:col`; an empty document is `{}`.
 */
export function parseYaml(
  text: string,
  name: string,
): { ok: true; source: YamlSource } | { ok: false; issues: ConfigIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    return { ok: false, issues: doc.errors.map((error) => syntaxIssue(error, text, name, lineCounter)) };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // toJS throws for alias bombs and similar; it is still the user's file that is wrong.
    return {
      ok: false,
      issues: [{ path: name, message: `cannot read the YAML: ${(error as Error).message}` }],
    };
  }
  return {
    ok: true,
    source: { value: value ?? {}, lineOf: (path) => lineOf(doc, lineCounter, path) },
  };
}

function syntaxIssue(error: YAMLError, text: string, name: string, lineCounter: LineCounter): ConfigIssue {
  const { line, col } = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
  // The message carries its own location and a code frame; keep only the sentence.
  let message = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
  if (error.code === 'DUPLICATE_KEY') {
    const key =
      text
        .slice(error.pos[0])
        .match(/^[^:\n]*/)?.[0]
        ?.trim() ?? '';
    message = `duplicate key '${key}' — a key may appear only once in a mapping`;
  } else {
    message = `YAML syntax error: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
  }
  return { path: `${name}:${line}:${col}`, message, line, column: col };
}

function lineOf(doc: Document, lineCounter: LineCounter, path: readonly PathSegment[]): number | undefined {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0];
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}
