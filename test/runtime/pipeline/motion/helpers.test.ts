import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { componentScratch, findComponents } from '../../../../runtime/pipeline/motion/connectedComponents';
import { stretchContrast } from '../../../../runtime/pipeline/motion/contrastStretch';
import { dilate3x3 } from '../../../../runtime/pipeline/motion/dilate';
import { downscaleToGray } from '../../../../runtime/pipeline/motion/grayscale';
import { mergeNearbyBoxes } from '../../../../runtime/pipeline/motion/mergeBoxes';
import { rasterisePolygonMask, unmaskedCount } from '../../../../runtime/pipeline/motion/polygonMask';
import { RunningBackground } from '../../../../runtime/pipeline/motion/runningBackground';
import { workingGeometry } from '../../../../runtime/pipeline/motion/workingGeometry';

/** Parses a picture like ['.#.', '##.'] into a 0/1 image. */
function bitmap(rows: string[]): { data: Uint8Array; width: number; height: number } {
  const width = rows[0]?.length ?? 0;
  const data = new Uint8Array(width * rows.length);
  rows.forEach((row, y) => {
    for (let x = 0; x < width; x++) data[y * width + x] = row[x] === '#' ? 1 : 0;
  });
  return { data, width, height: rows.length };
}

function picture(data: Uint8Array, width: number): string[] {
  const rows: string[] = [];
  for (let y = 0; y < data.length / width; y++) {
    rows.push(Array.from(data.subarray(y * width, (y + 1) * width), (v) => (v ? '#' : '.')).join(''));
  }
  return rows;
}

describe('workingGeometry', () => {
  test('shrinks by a whole factor to about 90 rows, keeping the aspect ratio', () => {
    const detect = workingGeometry(640, 360);
    assert.deepEqual([detect.width, detect.height, detect.pixelsPerWorkingPixel], [160, 90, 16]);
    const hd = workingGeometry(1920, 1080);
    assert.deepEqual([hd.width, hd.height, hd.pixelsPerWorkingPixel], [160, 90, 144]);
    const small = workingGeometry(100, 64);
    assert.deepEqual([small.width, small.height], [100, 64]);
  });

  test('spreads blocks over the whole frame when the size is not a multiple of the factor', () => {
    const g = workingGeometry(642, 362);
    assert.equal(g.columnStarts[0], 0);
    assert.equal(g.columnStarts[g.width], 642);
    assert.equal(g.rowStarts[g.height], 362);
    const sizes = new Set<number>();
    for (let x = 0; x < g.width; x++)
      sizes.add((g.columnStarts[x + 1] as number) - (g.columnStarts[x] as number));
    assert.deepEqual([...sizes].sort(), [3, 4], 'blocks differ by at most one column');
  });
});

describe('downscaleToGray', () => {
  test('averages the luma of each block', () => {
    const g = workingGeometry(8, 4, 2); // factor 2: 4×2 blocks of 2×2
    const rgb = new Uint8Array(8 * 4 * 3);
    // Top-left block: two white and two black pixels → 127.5; bottom-right: pure red.
    rgb.fill(255, 0, 3);
    rgb.fill(255, 8 * 3, 8 * 3 + 3);
    for (const [x, y] of [
      [6, 2],
      [7, 2],
      [6, 3],
      [7, 3],
    ] as const) {
      rgb[(y * 8 + x) * 3] = 255;
    }
    const out = new Float32Array(g.width * g.height);
    downscaleToGray(rgb, g, out, new Uint32Array(g.width));
    assert.deepEqual([...out], [127.5, 0, 0, 0, 0, 0, 0, (77 * 255) / 256]);
  });
});

describe('RunningBackground', () => {
  test('adopts the first frame, then averages new frames in, fast at first', () => {
    const background = new RunningBackground(1, 0.03);
    const changed = new Uint8Array(1);
    const mask = new Uint8Array(1);
    background.learn(Float32Array.of(100));
    assert.equal(
      background.compare(Float32Array.of(130), mask, 30, changed),
      0,
      'a change of exactly 30 is not over 30',
    );
    assert.equal(background.compare(Float32Array.of(131), mask, 30, changed), 1);
    background.learn(Float32Array.of(200)); // mean of two frames: 150
    assert.equal(background.compare(Float32Array.of(150), mask, 0, changed), 0);
    assert.equal(background.compare(Float32Array.of(151), mask, 0, changed), 1);
    assert.equal(
      background.compare(Float32Array.of(100), Uint8Array.of(1), 0, changed),
      0,
      'masked pixels never change',
    );
  });

  test('settles to the slow rate after the warm-up', () => {
    const background = new RunningBackground(1, 0.05);
    for (let i = 0; i < 100; i++) background.learn(Float32Array.of(0));
    background.learn(Float32Array.of(200)); // moves 5 % of the way: 10
    const changed = new Uint8Array(1);
    assert.equal(background.compare(Float32Array.of(0), new Uint8Array(1), 9, changed), 1);
    assert.equal(background.compare(Float32Array.of(0), new Uint8Array(1), 10, changed), 0);
  });

  test('barely learns pixels that keep moving, but learns pixels that have stood still for a while', () => {
    const background = new RunningBackground(2, 0.05);
    for (let i = 0; i < 100; i++) background.learn(Float32Array.of(0, 0));
    const moving = Uint8Array.of(1, 1);
    // Pixel 0 flickers between 200 and 100 (a body passing); pixel 1 turns 200 and stays (a ghost).
    for (let i = 0; i < 10; i++) background.learn(Float32Array.of(i % 2 ? 100 : 200, 200), moving, 15);
    const changed = new Uint8Array(2);
    background.compare(Float32Array.of(0, 0), new Uint8Array(2), 15, changed);
    assert.deepEqual([...changed], [0, 1], 'the moving pixel moved < 15 levels, the still one more');
    background.compare(Float32Array.of(0, 0), new Uint8Array(2), 60, changed);
    assert.deepEqual([...changed], [0, 0], 'five frames at 5 % cannot move it past 60');
  });
});

describe('stretchContrast', () => {
  test('maps the 4th..96th percentile onto 0..255, interpolating within histogram bins', () => {
    const gray = Float32Array.from({ length: 100 }, (_, i) => 50 + i); // 50..149, one pixel per level
    assert.ok(stretchContrast(gray, new Uint8Array(100), new Uint32Array(256)));
    // 4 pixels lie below 54 and 4 above 146.
    assert.ok(Math.abs(gray[4] as number) < 1e-3, `level 54 became ${gray[4]}`);
    assert.ok(Math.abs((gray[96] as number) - 255) < 1e-3, `level 146 became ${gray[96]}`);
    assert.deepEqual([gray[0], gray[99]], [0, 255], 'the clipped ends');
  });

  test('caps the gain at 8× for a very dark image, centred on its middle', () => {
    const gray = Float32Array.from({ length: 100 }, (_, i) => 10 + Math.floor(i / 5)); // 10..29
    assert.ok(stretchContrast(gray, new Uint8Array(100), new Uint32Array(256)));
    const middle = (10.8 + 29.2) / 2; // interpolated 4th and 96th percentiles
    assert.ok(Math.abs((gray[0] as number) - (127.5 + (10 - middle) * 8)) < 1e-3, `10 became ${gray[0]}`);
    assert.ok(Math.abs((gray[99] as number) - (127.5 + (29 - middle) * 8)) < 1e-3, `29 became ${gray[99]}`);
  });

  test('leaves a flat image and masked-out pixels alone', () => {
    const gray = new Float32Array(50).fill(40);
    gray[0] = 42;
    assert.equal(stretchContrast(gray, new Uint8Array(50), new Uint32Array(256)), false);
    assert.equal(gray[0], 42);
    const masked = Float32Array.from({ length: 50 }, (_, i) => (i < 25 ? 40 : i * 4));
    const mask = Uint8Array.from({ length: 50 }, (_, i) => (i < 25 ? 0 : 1));
    assert.equal(
      stretchContrast(masked, mask, new Uint32Array(256)),
      false,
      'only the flat part is unmasked',
    );
  });
});

describe('dilate3x3 and findComponents', () => {
  test('one body split by a one-pixel gap becomes one component; box and area count changed pixels only', () => {
    const {
      data: changed,
      width,
      height,
    } = bitmap(['..........', '.##.#.....', '.##.......', '..........', '..........', '........#.']);
    const mask = new Uint8Array(changed.length);
    const blobs = new Uint8Array(changed.length);
    dilate3x3(changed, mask, width, height, new Uint8Array(changed.length), blobs);
    assert.deepEqual(picture(blobs, width), [
      '######....',
      '######....',
      '######....',
      '####......',
      '.......###',
      '.......###',
    ]);
    const boxes = findComponents(blobs, changed, width, height, 0, componentScratch(changed.length));
    assert.deepEqual(boxes, [
      { minX: 1, minY: 1, maxX: 4, maxY: 2, area: 5 },
      { minX: 8, minY: 5, maxX: 8, maxY: 5, area: 1 },
    ]);
    const large = findComponents(blobs, changed, width, height, 2, componentScratch(changed.length));
    assert.deepEqual(
      large.map((b) => b.area),
      [5],
    );
  });

  test('diagonal neighbours are connected (8-connectivity) and dilation stops at the mask', () => {
    const { data: changed, width, height } = bitmap(['#....', '.#...', '..#..', '....#']);
    const boxes = findComponents(changed, changed, width, height, 0, componentScratch(changed.length));
    assert.deepEqual(boxes, [
      { minX: 0, minY: 0, maxX: 2, maxY: 2, area: 3 },
      { minX: 4, minY: 3, maxX: 4, maxY: 3, area: 1 },
    ]);
    const { data: mask } = bitmap(['.....', '.....', '...##', '...##']);
    const blobs = new Uint8Array(changed.length);
    dilate3x3(changed, mask, width, height, new Uint8Array(changed.length), blobs);
    assert.deepEqual(picture(blobs, width), ['###..', '####.', '###..', '.##..']);
  });
});

describe('mergeNearbyBoxes', () => {
  test('merges overlapping and close boxes (also in chains), keeps distant ones apart', () => {
    const merged = mergeNearbyBoxes(
      [
        { minX: 0, minY: 0, maxX: 4, maxY: 4, area: 10 },
        { minX: 8, minY: 2, maxX: 10, maxY: 6, area: 5 }, // 3 columns from the first
        { minX: 12, minY: 9, maxX: 14, maxY: 10, area: 2 }, // 2 rows below the second
        { minX: 30, minY: 0, maxX: 31, maxY: 1, area: 1 },
        { minX: 0, minY: 20, maxX: 4, maxY: 24, area: 7 },
      ],
      3,
    );
    assert.deepEqual(merged, [
      { minX: 0, minY: 0, maxX: 14, maxY: 10, area: 17 },
      { minX: 0, minY: 20, maxX: 4, maxY: 24, area: 7 },
      { minX: 30, minY: 0, maxX: 31, maxY: 1, area: 1 },
    ]);
    assert.equal(
      mergeNearbyBoxes(
        [
          { minX: 0, minY: 0, maxX: 4, maxY: 4, area: 1 },
          { minX: 9, minY: 0, maxX: 9, maxY: 0, area: 1 },
        ],
        3,
      ).length,
      2,
    );
  });
});

describe('rasterisePolygonMask', () => {
  test('masks the working pixels whose centres lie inside the polygons', () => {
    const g = workingGeometry(640, 360);
    const rectangle = rasterisePolygonMask(
      [
        [
          [0, 0],
          [0.5, 0],
          [0.5, 0.5],
          [0, 0.5],
        ],
      ],
      g,
    );
    assert.equal(unmaskedCount(rectangle), 160 * 90 - 80 * 45);
    assert.equal(rectangle[44 * 160 + 79], 1);
    assert.equal(rectangle[44 * 160 + 80], 0);
    assert.equal(rectangle[45 * 160 + 79], 0);

    const triangle = rasterisePolygonMask(
      [
        [
          [0, 0],
          [1, 0],
          [0, 1],
        ],
      ],
      g,
    );
    const masked = 160 * 90 - unmaskedCount(triangle);
    assert.ok(Math.abs(masked - (160 * 90) / 2) < 100, `triangle masks ${masked} pixels`);
    assert.equal(triangle[0], 1);
    assert.equal(triangle[160 * 90 - 1], 0);
  });
});
