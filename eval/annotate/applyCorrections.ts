/**
 * Step 3 of the semi-automatic annotation of vtest (see eval/README.md): applies the corrections
 * made by eye (eval/annotate/vtestCorrections.json) to the draft of step 2 and writes the
 * annotation file, ids renumbered 1… in order of first appearance. Keeping the corrections as a
 * file of their own shows what the review changed and lets the whole procedure be re-run.
 *
 * Corrections: `merge` [from, to] gives track `from` the id `to` (one person split in two tracks);
 * `dropTrack` ids removes whole tracks (not a person); `drop` [frame, id] removes one box;
 * `box` {frame, id, box} adds or replaces a box; `split` {id, from, newId} gives the track's boxes
 * from frame `from` on a new id (two people joined in one track); `ignore` as in the file format.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Corrections {
  merge?: Array<[number, number]>;
  dropTrack?: number[];
  drop?: Array<[number, number]>;
  box?: Array<{ frame: number; id: number; box: [number, number, number, number] }>;
  split?: Array<{ id: number; from: number; newId: number }>;
  ignore?: Array<{ box: [number, number, number, number]; first?: number; last?: number }>;
}

type Person = { id: number; box: number[] };
const [workDir = '/tmp/vigil-eval/annotate', out = 'eval/clips/vtest.json'] = process.argv.slice(2);
const draft = JSON.parse(readFileSync(join(workDir, 'draft.json'), 'utf8')) as {
  frames: Record<string, Array<Person & { kind: string; score: number }>>;
};
const fix = JSON.parse(readFileSync('eval/annotate/vtestCorrections.json', 'utf8')) as Corrections;
const frames = new Map<number, Person[]>(
  Object.entries(draft.frames).map(([f, people]) => [
    Number(f),
    people.map((p) => ({ id: p.id, box: p.box })),
  ]),
);
// Order: splits, then boxes and tracks dropped (by the draft's ids), then merges.
for (const { id, from, newId } of fix.split ?? [])
  for (const [f, people] of frames) if (f >= from) for (const p of people) if (p.id === id) p.id = newId;
const dropTracks = new Set(fix.dropTrack ?? []);
const dropBoxes = new Set((fix.drop ?? []).map(([f, id]) => `${f}:${id}`));
for (const [f, people] of frames)
  frames.set(
    f,
    people.filter((p) => !dropTracks.has(p.id) && !dropBoxes.has(`${f}:${p.id}`)),
  );
const mergeTo = new Map(fix.merge ?? []);
const final = (id: number): number => (mergeTo.has(id) ? final(mergeTo.get(id) as number) : id);
for (const people of frames.values()) for (const p of people) p.id = final(p.id);
for (const { frame, id, box } of fix.box ?? []) {
  const people = (frames.get(frame) ?? []).filter((p) => p.id !== id);
  people.push({ id, box });
  frames.set(frame, people);
}
// People mostly inside an ignore region are not annotated (see eval/matching.ts).
const ignore = fix.ignore ?? [];
for (const [f, people] of frames)
  frames.set(
    f,
    people.filter((p) => {
      const [x1, y1, x2, y2] = p.box as [number, number, number, number];
      const area = (x2 - x1) * (y2 - y1);
      return !ignore.some((r) => {
        if ((r.first !== undefined && f < r.first) || (r.last !== undefined && f > r.last)) return false;
        const w = Math.min(x2, r.box[2]) - Math.max(x1, r.box[0]);
        const h = Math.min(y2, r.box[3]) - Math.max(y1, r.box[1]);
        return w > 0 && h > 0 && w * h >= 0.5 * area;
      });
    }),
  );
for (const [f, people] of frames) {
  const ids = people.map((p) => p.id);
  if (new Set(ids).size !== ids.length)
    throw new Error(`frame ${f}: an id twice after the corrections: ${ids.join(',')}`);
}
// Renumber in order of first appearance.
const order = new Map<number, number>();
const sorted = [...frames.keys()].sort((a, b) => a - b);
for (const f of sorted)
  for (const p of (frames.get(f) ?? []).sort((a, b) => (a.box[0] as number) - (b.box[0] as number)))
    if (!order.has(p.id)) order.set(p.id, order.size + 1);
const file = {
  clip: 'vtest',
  source:
    "vtest.avi from Debian's opencv-doc package (OpenCV samples/data), 768x576, 10 fps, 795 frames; every 5th frame annotated, see eval/README.md",
  width: 768,
  height: 576,
  fps: 10,
  frames: Object.fromEntries(
    sorted.map((f) => [
      String(f),
      (frames.get(f) ?? [])
        .map((p) => ({ id: order.get(p.id) as number, box: p.box.map((v) => Math.round(v)) }))
        .sort((a, b) => a.id - b.id),
    ]),
  ),
  ignore: fix.ignore ?? [],
};
// One frame per line: diffs of a correction stay readable.
const lines = Object.entries(file.frames).map(([f, people]) => `    "${f}": ${JSON.stringify(people)}`);
const text = `{\n  "clip": "vtest",\n  "source": ${JSON.stringify(file.source)},\n  "width": 768,\n  "height": 576,\n  "fps": 10,\n  "frames": {\n${lines.join(',\n')}\n  },\n  "ignore": ${JSON.stringify(file.ignore)}\n}\n`;
writeFileSync(out, text);
console.log(`${sorted.length} frames, ${order.size} people, written to ${out}`);
