import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SegmentCollector } from '../../../../hal/camera/recording/segmentCollector';
import { StreamClock } from '../../../../hal/camera/recording/streamClock';
import { memoryLogger } from '../../../helpers/memoryLogger';
import { tempDir } from '../../../helpers/tempDir';

const STARTED_AT = 1_795_000_000_000;
/** recorderArgs.ts's `-segment_list_size`: ffmpeg keeps the newest 20 lines. */
const LIST_SIZE = 20;
const SEGMENT_SECONDS = 2;

/** Plays ffmpeg: writes segment `n`'s file and the list of the newest {@link LIST_SIZE} lines. */
function finishSegment(dir: string, listFile: string, n: number): void {
  writeFileSync(join(dir, `partial-run-${String(n).padStart(6, '0')}.ts`), 'segment');
  const lines: string[] = [];
  for (let i = Math.max(0, n - LIST_SIZE + 1); i <= n; i++)
    lines.push(
      `partial-run-${String(i).padStart(6, '0')}.ts,${i * SEGMENT_SECONDS},${(i + 1) * SEGMENT_SECONDS}`,
    );
  writeFileSync(listFile, `${lines.join('\n')}\n`);
}

describe('SegmentCollector over a long run', () => {
  it('hands out each segment once and remembers no more names than the list holds', () => {
    const dir = join(tempDir('vigil-segment-collector-'), 'ring');
    mkdirSync(dir, { recursive: true });
    const listFile = join(dir, 'partial-run.csv');
    let now = STARTED_AT;
    const { logger, lines } = memoryLogger();
    const collector = new SegmentCollector({
      camera: 'front',
      dir,
      listFile,
      clock: new StreamClock(STARTED_AT),
      logger,
      now: () => now,
    });
    assert.deepEqual(collector.collect(), [], 'no list yet: nothing finished');
    // 500 segments is 17 minutes of a camera; a week is 300,000.
    const handedOut: string[] = [];
    for (let n = 0; n < 500; n++) {
      now = STARTED_AT + (n + 1) * SEGMENT_SECONDS * 1000;
      finishSegment(dir, listFile, n);
      // Some reads see two new lines at once, some see none (inotify coalescing, a late timer).
      if (n % 7 === 3) continue;
      for (const segment of collector.collect()) handedOut.push(segment.file);
      assert.deepEqual(collector.collect(), [], `segment ${n}: a second read hands out nothing again`);
      assert.ok(
        collector.remembered <= LIST_SIZE,
        `after segment ${n} the collector remembers ${collector.remembered} names, more than the list's ${LIST_SIZE}`,
      );
    }
    assert.equal(handedOut.length, 500, 'every segment handed out exactly once');
    assert.equal(new Set(handedOut).size, 500);
    assert.ok(
      handedOut.every((file) => existsSync(file)),
      'each renamed to its wall-clock name',
    );
    assert.deepEqual(lines, [], 'no segment went missing');
  });
});
