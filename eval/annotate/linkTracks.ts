/**
 * Step 2 of the semi-automatic annotation of vtest (see eval/README.md): merges the centernet
 * candidates of step 1 with a background-subtraction foreground mask (the clip's median frame is
 * the background), links the boxes into tracks with ids, writes a DRAFT annotation file and a
 * review list, and renders contact sheets (boxes and ids on every annotated frame) to look at.
 * The draft is then corrected by hand; the committed eval/clips/vtest.json is the reviewed one.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { type Box, intersectionArea, iou } from '../../base/geometry';
import { nonMaxSuppression } from '../../base/nonMaxSuppression';
import { decodeEvery } from '../background';

const [source, workDir = '/tmp/vigil-eval/annotate'] = process.argv.slice(2);
if (!source) throw new Error('usage: tsx eval/annotate/linkTracks.ts VTEST.AVI [WORKDIR]');
const WIDTH = 768;
const HEIGHT = 576;
const STEP = 5;

interface Candidate {
  box: Box;
  score: number;
  from: string;
}

/** Foreground: any channel differs from the median background by more than 30 levels. */
function foreground(frame: Uint8Array, background: Uint8Array): Uint8Array {
  const mask = new Uint8Array(WIDTH * HEIGHT);
  for (let i = 0; i < mask.length; i++) {
    const d = Math.max(
      Math.abs((frame[i * 3] as number) - (background[i * 3] as number)),
      Math.abs((frame[i * 3 + 1] as number) - (background[i * 3 + 1] as number)),
      Math.abs((frame[i * 3 + 2] as number) - (background[i * 3 + 2] as number)),
    );
    mask[i] = d > 30 ? 1 : 0;
  }
  return mask;
}

function integral(mask: Uint8Array): Int32Array {
  const sum = new Int32Array((WIDTH + 1) * (HEIGHT + 1));
  for (let y = 0; y < HEIGHT; y++) {
    let row = 0;
    for (let x = 0; x < WIDTH; x++) {
      row += mask[y * WIDTH + x] as number;
      sum[(y + 1) * (WIDTH + 1) + x + 1] = (sum[y * (WIDTH + 1) + x + 1] as number) + row;
    }
  }
  return sum;
}

function fgFraction(sum: Int32Array, box: Box): number {
  const x1 = Math.max(0, Math.round(box[0]));
  const y1 = Math.max(0, Math.round(box[1]));
  const x2 = Math.min(WIDTH, Math.round(box[2]));
  const y2 = Math.min(HEIGHT, Math.round(box[3]));
  if (x2 <= x1 || y2 <= y1) return 0;
  const at = (x: number, y: number) => sum[y * (WIDTH + 1) + x] as number;
  return (at(x2, y2) - at(x1, y2) - at(x2, y1) + at(x1, y1)) / ((x2 - x1) * (y2 - y1));
}

/** Connected foreground blobs (4-connected, on a 4× downscaled mask) as pixel boxes. */
function blobs(mask: Uint8Array): Array<{ box: Box; area: number }> {
  const s = 4;
  const w = WIDTH / s;
  const h = HEIGHT / s;
  const small = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let n = 0;
      for (let dy = 0; dy < s; dy++)
        for (let dx = 0; dx < s; dx++) n += mask[(y * s + dy) * WIDTH + x * s + dx] as number;
      small[y * w + x] = n >= 5 ? 1 : 0;
    }
  const seen = new Uint8Array(w * h);
  const out: Array<{ box: Box; area: number }> = [];
  for (let i = 0; i < small.length; i++) {
    if (!small[i] || seen[i]) continue;
    const stack = [i];
    seen[i] = 1;
    let [minX, minY, maxX, maxY, area] = [w, h, 0, 0, 0];
    while (stack.length) {
      const p = stack.pop() as number;
      const x = p % w;
      const y = (p - x) / w;
      area++;
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
      for (const q of [p - 1, p + 1, p - w, p + w]) {
        if (q < 0 || q >= small.length || seen[q] || !small[q]) continue;
        if (Math.abs((q % w) - x) > 1) continue;
        seen[q] = 1;
        stack.push(q);
      }
    }
    out.push({ box: [minX * s, minY * s, (maxX + 1) * s, (maxY + 1) * s], area: area * s * s });
  }
  return out;
}

interface Annotated {
  box: Box;
  score: number;
  kind: 'det' | 'fg';
  id?: number;
}

const candidates = JSON.parse(readFileSync(join(workDir, 'candidates.json'), 'utf8')) as Record<
  string,
  Candidate[]
>;
const background = new Uint8Array(readFileSync(join(workDir, 'background.rgb')));
const frames = await decodeEvery(source, WIDTH, HEIGHT, STEP);
const perFrame = new Map<number, Annotated[]>();
for (let f = 0; f < frames.length; f++) {
  const index = f * STEP;
  const mask = foreground(frames[f] as Uint8Array, background);
  const sum = integral(mask);
  const raw = (candidates[String(index)] ?? []).filter((c) => {
    const w = c.box[2] - c.box[0];
    const h = c.box[3] - c.box[1];
    // Slivers at tile edges and poles are not people.
    return h >= 25 && w >= 10 && h <= 5 * w && w <= 160 && h <= 260;
  });
  // Tiles cut people at their edges: a box mostly inside a better-scoring one is a part of it.
  const merged = nonMaxSuppression(raw, 0.4).filter(
    (c, i, all) =>
      !all.some(
        (o, j) =>
          j < i && intersectionArea(o.box, c.box) > 0.75 * (c.box[2] - c.box[0]) * (c.box[3] - c.box[1]),
      ),
  );
  const kept: Annotated[] = [];
  for (const c of merged) {
    const fg = fgFraction(sum, c.box);
    if (c.score >= 0.45 || (c.score >= 0.2 && fg >= 0.2) || (c.score >= 0.12 && fg >= 0.35))
      kept.push({ box: c.box, score: c.score, kind: 'det' });
  }
  for (const blob of blobs(mask)) {
    const h = blob.box[3] - blob.box[1];
    if (blob.area < 500 || h < 36) continue;
    const covered = kept.some((k) => intersectionArea(k.box, blob.box) > 0.3 * blob.area);
    if (!covered) kept.push({ box: blob.box, score: 0, kind: 'fg' });
  }
  perFrame.set(index, kept);
}

// Linking. Walkers move 1-1.5 box widths between annotated frames (0.5 s) and often walk in
// pairs, so boxes are not linked by position alone: each box is followed through the four frames
// in between by template matching on the grey image (a few pixels a frame), and linked to the
// detection its followed position overlaps at the next annotated frame. A box with no detection
// there is followed on for up to two more annotated frames (a person behind the lamp post).
const grey = await decodeGrey(source);
const indices = [...perFrame.keys()].sort((a, b) => a - b);
let nextId = 1;
for (const b of perFrame.get(indices[0] as number) as Annotated[]) b.id = nextId++;
interface Pending {
  id: number;
  box: Box;
  frame: number;
  misses: number;
}
let pending: Pending[] = (perFrame.get(indices[0] as number) as Annotated[]).map((b) => ({
  id: b.id as number,
  box: b.box,
  frame: indices[0] as number,
  misses: 0,
}));
for (const index of indices.slice(1)) {
  const boxes = perFrame.get(index) as Annotated[];
  const moved = pending.map((p) => ({ ...p, box: follow(p.box, p.frame, index) }));
  const pairs: Array<{ p: (typeof moved)[number]; b: Annotated; s: number }> = [];
  for (const p of moved)
    for (const b of boxes) {
      const s = iou(p.box, b.box);
      if (s >= 0.3) pairs.push({ p, b, s: s - 0.1 * p.misses });
    }
  pairs.sort((x, y) => y.s - x.s);
  const used = new Set<number>();
  for (const { p, b } of pairs) {
    if (used.has(p.id) || b.id !== undefined) continue;
    used.add(p.id);
    b.id = p.id;
  }
  const next: Pending[] = [];
  for (const b of boxes) {
    if (b.id === undefined) b.id = nextId++;
    next.push({ id: b.id, box: b.box, frame: index, misses: 0 });
  }
  // Unmatched at the frame's edge: the person left (a template left there sticks to the background).
  const atEdge = (b: Box) => b[0] <= 12 || b[2] >= WIDTH - 12 || b[1] <= 4 || b[3] >= HEIGHT - 4;
  for (const p of moved)
    if (!used.has(p.id) && p.misses < 2 && !atEdge(p.box))
      next.push({ id: p.id, box: p.box, frame: index, misses: p.misses + 1 });
  pending = next;
}

async function decodeGrey(path: string): Promise<Uint8Array[]> {
  const { spawn } = await import('node:child_process');
  const child = spawn('ffmpeg', ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1']);
  const chunks: Buffer[] = [];
  for await (const chunk of child.stdout) chunks.push(chunk as Buffer);
  const all = Buffer.concat(chunks);
  const size = WIDTH * HEIGHT;
  return Array.from(
    { length: Math.floor(all.length / size) },
    (_, i) => new Uint8Array(all.buffer, all.byteOffset + i * size, size),
  );
}

/** Follows a box from frame `from` to frame `to`, one frame at a time, by template matching (SAD). */
function follow(box: Box, from: number, to: number): Box {
  let current = box;
  for (let f = from; f < to; f++) {
    const a = grey[f];
    const b = grey[f + 1];
    if (!a || !b) break;
    const w = current[2] - current[0];
    // The middle 60 % of the width: less of the background that does not move with the person.
    const x1 = Math.round(current[0] + 0.2 * w);
    const x2 = Math.round(current[2] - 0.2 * w);
    const y1 = Math.round(current[1]);
    const y2 = Math.round(current[3]);
    let best = Number.POSITIVE_INFINITY;
    let shift: [number, number] = [0, 0];
    const R = 10;
    for (let dy = -R; dy <= R; dy++)
      for (let dx = -R; dx <= R; dx++) {
        let sad = 0;
        let n = 0;
        for (let y = y1; y < y2; y += 2) {
          const yb = y + dy;
          if (y < 0 || y >= HEIGHT || yb < 0 || yb >= HEIGHT) continue;
          for (let x = x1; x < x2; x += 2) {
            const xb = x + dx;
            if (x < 0 || x >= WIDTH || xb < 0 || xb >= WIDTH) continue;
            sad += Math.abs((a[y * WIDTH + x] as number) - (b[yb * WIDTH + xb] as number));
            n++;
          }
        }
        const cost = n > 0 ? sad / n : Number.POSITIVE_INFINITY;
        if (cost < best) {
          best = cost;
          shift = [dx, dy];
        }
      }
    current = [current[0] + shift[0], current[1] + shift[1], current[2] + shift[0], current[3] + shift[1]];
  }
  return current;
}

// A lone low-scoring box on one annotated frame is noise; a person stays in view longer.
const lengthOf = new Map<number, { n: number; best: number }>();
for (const boxes of perFrame.values())
  for (const a of boxes) {
    const entry = lengthOf.get(a.id as number) ?? { n: 0, best: 0 };
    entry.n++;
    entry.best = Math.max(entry.best, a.score);
    lengthOf.set(a.id as number, entry);
  }
for (const [index, boxes] of perFrame)
  perFrame.set(
    index,
    boxes.filter((a) => {
      const entry = lengthOf.get(a.id as number) as { n: number; best: number };
      return entry.n > 1 || entry.best >= 0.45;
    }),
  );

const round = (b: Box) => b.map((v) => Math.round(v)) as number[];
const draft = {
  frames: Object.fromEntries(
    indices.map((i) => [
      String(i),
      (perFrame.get(i) as Annotated[]).map((a) => ({
        id: a.id,
        box: round(a.box),
        score: Math.round(a.score * 100) / 100,
        kind: a.kind,
      })),
    ]),
  ),
};
writeFileSync(join(workDir, 'draft.json'), JSON.stringify(draft));
const lengths = new Map<number, number>();
for (const i of indices)
  for (const a of perFrame.get(i) as Annotated[])
    lengths.set(a.id as number, (lengths.get(a.id as number) ?? 0) + 1);
console.log(`tracks: ${lengths.size}; of length ≥ 3: ${[...lengths.values()].filter((n) => n >= 3).length}`);
console.log([...lengths].map(([id, n]) => `${id}:${n}`).join(' '));

// Contact sheets: 3×3 frames at half size, boxes coloured by kind, ids above them.
const sheets = join(workDir, 'sheets');
mkdirSync(sheets, { recursive: true });
const scale = Number(process.env.SHEET_SCALE ?? 0.5);
const cols = Number(process.env.SHEET_COLS ?? 3);
const rows = Number(process.env.SHEET_ROWS ?? 3);
const cw = Math.round(WIDTH * scale);
const ch = Math.round(HEIGHT * scale);
for (let s = 0; s * cols * rows < frames.length; s++) {
  const tiles = [];
  for (let k = 0; k < cols * rows; k++) {
    const f = s * cols * rows + k;
    if (f >= frames.length) break;
    const boxes = perFrame.get(f * STEP) as Annotated[];
    const rects = boxes
      .map((a) => {
        const [x1, y1, x2, y2] = a.box.map((v) => v * scale) as [number, number, number, number];
        const colour = a.kind === 'fg' ? '#ff00ff' : a.score >= 0.45 ? '#00ff00' : '#ffff00';
        return `<rect x="${x1}" y="${y1}" width="${x2 - x1}" height="${y2 - y1}" fill="none" stroke="${colour}" stroke-width="1.5"/><text x="${x1}" y="${Math.max(9, y1 - 1)}" font-size="10" font-family="sans-serif" fill="${colour}">${a.id}</text>`;
      })
      .join('');
    const svg = `<svg width="${cw}" height="${ch}" xmlns="http://www.w3.org/2000/svg">${rects}<text x="3" y="${ch - 4}" font-size="12" font-family="sans-serif" fill="white" stroke="black" stroke-width="0.3">f${f * STEP}</text></svg>`;
    const tile = await sharp(Buffer.from(frames[f] as Uint8Array), {
      raw: { width: WIDTH, height: HEIGHT, channels: 3 },
    })
      .resize(cw, ch)
      .composite([{ input: Buffer.from(svg) }])
      .png()
      .toBuffer();
    tiles.push({ input: tile, left: (k % cols) * cw, top: Math.floor(k / cols) * ch });
  }
  await sharp({ create: { width: cw * cols, height: ch * rows, channels: 3, background: '#000' } })
    .composite(tiles)
    .png()
    .toFile(join(sheets, `sheet${process.env.SHEET_TAG ?? ''}${String(s).padStart(2, '0')}.png`));
}
console.log(`sheets in ${sheets}`);

// Track sheets: per track, its first, middle and last box with some context, enlarged 1.5×.
const byTrack = new Map<number, Array<{ f: number; a: Annotated }>>();
for (const i of indices)
  for (const a of perFrame.get(i) as Annotated[]) {
    const list = byTrack.get(a.id as number) ?? [];
    list.push({ f: i, a });
    byTrack.set(a.id as number, list);
  }
const cropW = 120;
const cropH = 150;
const zoom = 1.5;
const perRow = 3;
const tracksPerSheet = 16;
const ids = [...byTrack.keys()].sort((a, b) => a - b);
for (let s = 0; s * tracksPerSheet < ids.length; s++) {
  const tiles = [];
  const sheetIds = ids.slice(s * tracksPerSheet, (s + 1) * tracksPerSheet);
  for (const [k, id] of sheetIds.entries()) {
    const list = byTrack.get(id) as Array<{ f: number; a: Annotated }>;
    const picks = [list[0], list[Math.floor(list.length / 2)], list.at(-1)] as Array<{
      f: number;
      a: Annotated;
    }>;
    for (const [c, { f, a }] of picks.entries()) {
      const cx = (a.box[0] + a.box[2]) / 2;
      const cy = (a.box[1] + a.box[3]) / 2;
      const left = Math.round(Math.min(Math.max(cx - cropW / 2, 0), WIDTH - cropW));
      const top = Math.round(Math.min(Math.max(cy - cropH / 2, 0), HEIGHT - cropH));
      const bx = (a.box[0] - left) * zoom;
      const by = (a.box[1] - top) * zoom;
      const colour = a.score >= 0.45 ? '#00ff00' : '#ffff00';
      const svg = `<svg width="${cropW * zoom}" height="${cropH * zoom}" xmlns="http://www.w3.org/2000/svg"><rect x="${bx}" y="${by}" width="${(a.box[2] - a.box[0]) * zoom}" height="${(a.box[3] - a.box[1]) * zoom}" fill="none" stroke="${colour}" stroke-width="1.5"/><text x="2" y="20" font-size="20" font-weight="bold" font-family="sans-serif" fill="yellow" stroke="black" stroke-width="0.8">#${id} f${f} n${list.length} ${a.score.toFixed(2)}</text></svg>`;
      const frame = frames[f / STEP] as Uint8Array;
      const tile = await sharp(Buffer.from(frame), { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
        .extract({ left, top, width: cropW, height: cropH })
        .resize(cropW * zoom, cropH * zoom)
        .composite([{ input: Buffer.from(svg) }])
        .png()
        .toBuffer();
      const slot = k * perRow + c;
      tiles.push({
        input: tile,
        left: (slot % 12) * cropW * zoom,
        top: Math.floor(slot / 12) * cropH * zoom,
      });
    }
  }
  await sharp({
    create: { width: 12 * cropW * zoom, height: 4 * cropH * zoom, channels: 3, background: '#000' },
  })
    .composite(tiles)
    .png()
    .toFile(join(sheets, `tracks${process.env.SHEET_TAG ?? ''}${String(s).padStart(2, '0')}.png`));
}
console.log('track sheets written');
