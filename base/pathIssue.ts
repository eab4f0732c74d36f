/** One step into the config: an object key or an array index. */
export type PathSegment = string | number;

/** A problem found at a path, before it is turned into a {@link ConfigIssue} with a line number. */
export interface PathIssue {
  path: PathSegment[];
  message: string;
}

/** Renders `['cameras', 'front', 'zones', 'a', 'coordinates', 0]` as `cameras.front.zones.a.coordinates[0]`. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** True when `path` is `prefix` or lies below it. */
export function isUnder(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => path[index] === segment);
}

/** True for a plain mapping as YAML or JSON produce it (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets `value` at `path` inside `root`, creating (or replacing non-mapping) parents on the way. */
export function setIn(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = root;
  for (const [index, key] of path.entries()) {
    if (index === path.length - 1) {
      node[key] = value;
      return;
    }
    const child = node[key];
    if (isPlainObject(child)) node = child;
    else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  }
}
