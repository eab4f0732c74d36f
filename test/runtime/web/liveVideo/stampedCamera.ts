import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Bits of the stamp: ms since the camera started, so 2^20 ms ≈ 17 minutes before it wraps. */
export const STAMP_BITS = 20;
/** The picture: 320×240, the stamp's bits as a 5×4 grid of 64×60 blocks, white = 1, bit 0 top left. */
export const STAMP_GRID = { columns: 5, rows: 4, blockWidth: 64, blockHeight: 60 } as const;

/** A fake network camera whose every frame shows when it was made. */
export interface StampedCamera {
  /** `http://127.0.0.1:port/camera.ts`: MPEG-TS with H.264, as many readers as connect. */
  url: string;
  /** Wall-clock ms (Date.now()) that stamp 0 stands for. */
  epoch: number;
  /** Readers connected now. */
  readers(): number;
  stop(): Promise<void>;
}

/**
 * A network camera for the live-video tests: ffmpeg stamps each frame with the wall clock as it
 * is drawn (`setpts` from `RTCTIME`, in ms since `epoch`), paints that stamp as blocks of luma,
 * encodes it as a camera does (H.264, no B-frames, a keyframe a second, `zerolatency`) and writes
 * MPEG-TS, which this HTTP server hands to every reader (vigil's capture, its recorder and its
 * live video copy each connect). The page's clock minus the stamp on screen is glass to glass.
 */
export async function startStampedCamera(fps = 10): Promise<StampedCamera> {
  const readers = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    if (request.url !== '/camera.ts') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'video/mp2t' });
    readers.add(response);
    response.on('close', () => readers.delete(response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const epoch = Date.now();
  // biome-ignore format: option/value pairs
  const ffmpeg: ChildProcess = spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-re', '-f', 'lavfi', '-i', `color=c=black:s=320x240:r=${fps}`,
    // The wall clock when the frame is drawn, in ms since epoch, as its timestamp, painted in.
    '-vf', stampFilter(epoch),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'main',
    '-bf', '0', '-g', String(fps), '-pix_fmt', 'yuv420p', '-fps_mode', 'passthrough',
    '-f', 'mpegts', '-flush_packets', '1', 'pipe:1',
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  ffmpeg.stdout?.on('data', (chunk: Buffer) => {
    // A reader that does not keep up loses data, as from a real camera; the others go on.
    for (const reader of readers) if (reader.writableLength < 4 * 1024 * 1024) reader.write(chunk);
  });
  return {
    url: `http://127.0.0.1:${port}/camera.ts`,
    epoch,
    readers: () => readers.size,
    async stop() {
      if (ffmpeg.exitCode === null && ffmpeg.signalCode === null) {
        const gone = new Promise((resolve) => ffmpeg.once('exit', resolve));
        ffmpeg.kill('SIGKILL');
        await gone;
      }
      for (const reader of readers) reader.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * The filter that stamps each frame: the wall clock when it is drawn, in ms since `epoch`, as its
 * timestamp, painted in as the blocks of {@link STAMP_GRID} (yuv420p out).
 */
export function stampFilter(epoch: number): string {
  const { columns, blockWidth, blockHeight } = STAMP_GRID;
  const bit = `(floor(X/${blockWidth})+${columns}*floor(Y/${blockHeight}))`;
  return (
    `settb=1/1000,setpts='(RTCTIME-${epoch * 1000})/1000',format=yuv420p,` +
    `geq=lum='255*mod(floor(T*1000/pow(2\\,${bit}))\\,2)':cb=128:cr=128`
  );
}

/** A page script reading the stamp painted in the camera's video frame on screen, and the page's clock when it did. */
export function readStampScript(camera: string): string {
  return `(() => {
  const video = document.querySelector('article.camera[data-camera="${camera}"] video');
  const canvas = document.createElement('canvas');
  canvas.width = 320;
  canvas.height = 240;
  const g = canvas.getContext('2d', { willReadFrequently: true });
  g.drawImage(video, 0, 0, 320, 240);
  const now = Date.now();
  const pixels = g.getImageData(0, 0, 320, 240).data;
  let stamp = 0;
  for (let bit = 0; bit < ${STAMP_BITS}; bit++) {
    const x = (bit % ${STAMP_GRID.columns}) * ${STAMP_GRID.blockWidth} + ${STAMP_GRID.blockWidth / 2};
    const y = Math.floor(bit / ${STAMP_GRID.columns}) * ${STAMP_GRID.blockHeight} + ${STAMP_GRID.blockHeight / 2};
    if (pixels[(y * 320 + x) * 4] > 128) stamp += 2 ** bit;
  }
  const b = video.buffered;
  return { now, stamp, currentTime: video.currentTime, behind: b.length ? b.end(b.length - 1) - video.currentTime : -1 };
})()`;
}
