/** One line of ffmpeg's CSV segment list: a finished segment and its span in stream time. */
export interface SegmentListEntry {
  /** The segment's file name as ffmpeg wrote it (relative to the list's directory). */
  file: string;
  /** Stream time of its first packet, in seconds. */
  start: number;
  /** Stream time just after its last packet, in seconds. */
  end: number;
}

/**
 * Parses `-segment_list_type csv` output (`name,start,end` per line). ffmpeg writes a line only
 * after closing the segment, and replaces the whole list atomically (`.tmp` + rename) when
 * `-segment_list_size` is set, so every complete line names a finished file. A line without its
 * newline (a list written without rename) is left for the next read.
 */
export function parseSegmentList(text: string): SegmentListEntry[] {
  const entries: SegmentListEntry[] = [];
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  for (const line of complete.split('\n')) {
    const entry = parseLine(line.trim());
    if (entry) entries.push(entry);
  }
  return entries;
}

function parseLine(line: string): SegmentListEntry | undefined {
  // The name comes first and is quoted ("a,b.ts") only when it contains a comma or a quote.
  const lastComma = line.lastIndexOf(',');
  const middleComma = line.lastIndexOf(',', lastComma - 1);
  if (middleComma <= 0) return undefined;
  const start = Number(line.slice(middleComma + 1, lastComma));
  const end = Number(line.slice(lastComma + 1));
  if (!Number.isFinite(start) || !Number.isFinite(end)) return undefined;
  let file = line.slice(0, middleComma);
  if (file.startsWith('"') && file.endsWith('"')) file = file.slice(1, -1).replaceAll('""', '"');
  return { file, start, end };
}
