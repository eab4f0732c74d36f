/** A physical line level: what the wire carries. */
export type Level = 0 | 1;

/** The physical level that makes the device logically `on` (active_low inverts). */
export function physicalLevel(on: boolean, activeLow: boolean): Level {
  return on !== activeLow ? 1 : 0;
}

/** The logical value a physical level means (active_low inverts). */
export function logicalValue(level: Level, activeLow: boolean): boolean {
  return (level === 1) !== activeLow;
}
