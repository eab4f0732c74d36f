import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * An idle scene encoded like a real camera's stream: H.264 main profile 1280×720 at `fps`, no
 * B-frames, a keyframe every 2 s, constant `mbits` Mbit/s, and temporal sensor noise that uses up
 * that bit rate as a camera's noisy sensor does. A still image encoded without noise costs ffmpeg
 * next to nothing to decode, so it would flatter the idle figures; decoding costs about in
 * proportion to the bit rate.
 */
export function cameraLikeIdleVideo(dir: string, fps: number, seconds: number, mbits = 1): string {
  const file = join(dir, `idle-720p-${fps}fps-${mbits}M.mp4`);
  // biome-ignore format: option/value pairs
  execFileSync('ffmpeg', [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `gradients=size=1280x720:rate=${fps}:speed=0.00001:c0=0x506070:c1=0xa0a890:n=2`,
    '-t', String(seconds), '-vf', 'noise=alls=8:allf=t',
    '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'main', '-bf', '0', '-g', String(2 * fps),
    '-b:v', `${mbits}M`, '-maxrate', `${mbits}M`, '-bufsize', `${mbits}M`, '-pix_fmt', 'yuv420p', file,
  ]);
  return file;
}
