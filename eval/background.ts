import { spawn } from 'node:child_process';

/**
 * Decodes every `step`-th frame of a video as packed RGB at its own size (ffmpeg), e.g. the
 * annotated frames of a clip, or the samples its median background is made of.
 */
export async function decodeEvery(
  path: string,
  width: number,
  height: number,
  step: number,
): Promise<Uint8Array[]> {
  const frameBytes = width * height * 3;
  const child = spawn(
    'ffmpeg',
    ['-v', 'error', '-i', path, '-vf', `select=not(mod(n\\,${step}))`, '-fps_mode', 'passthrough'].concat([
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ]),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const chunks: Buffer[] = [];
  for await (const chunk of child.stdout) chunks.push(chunk as Buffer);
  const code = await exited;
  if (code !== 0) throw new Error(`ffmpeg could not decode ${path} (exit ${code}): ${stderr.trim()}`);
  const all = Buffer.concat(chunks);
  const frames: Uint8Array[] = [];
  for (let at = 0; at + frameBytes <= all.length; at += frameBytes)
    frames.push(new Uint8Array(all.buffer, all.byteOffset + at, frameBytes));
  return frames;
}

/**
 * The per-pixel median of `frames`: where people walk through, the empty floor wins as long as
 * each spot is covered less than half the time. The empty-scene clip and the annotation's
 * foreground mask are made from it.
 */
export function medianFrame(frames: readonly Uint8Array[]): Uint8Array {
  const first = frames[0];
  if (!first) throw new Error('medianFrame needs at least one frame');
  const out = new Uint8Array(first.length);
  const values = new Uint8Array(frames.length);
  for (let i = 0; i < out.length; i++) {
    for (let f = 0; f < frames.length; f++) values[f] = (frames[f] as Uint8Array)[i] as number;
    values.sort();
    out[i] = values[frames.length >> 1] as number;
  }
  return out;
}
