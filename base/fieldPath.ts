/**
 * A validator's JSON pointer as the dotted field name errors report: `/box/2` → `box.2`;
 * `root` when the pointer names the value itself.
 */
export function fieldPath(pointer: string | undefined, root: string): string {
  const parts = (pointer ?? '').split('/').filter(Boolean);
  return parts.length === 0 ? root : parts.join('.');
}
