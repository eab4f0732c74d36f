/**
 * ffmpeg input arguments implied by the URL, and the input itself:
 * - network streams are stamped with wall-clock time on arrival, so the fps filter thins
 *   them in real time even when the camera sends no or broken timestamps (MJPEG over HTTP
 *   has none, and ffmpeg would otherwise assume 25 fps);
 * - rtsp(s):// gets the configured transport;
 * - a /dev/video* device (or v4l2:///dev/video0) gets the v4l2 demuxer.
 */
export function inputArgsForUrl(
  url: string,
  rtspTransport: 'tcp' | 'udp',
): { before: string[]; input: string } {
  const wallClock = ['-use_wallclock_as_timestamps', '1'];
  if (/^rtsps?:\/\//i.test(url))
    return { before: ['-rtsp_transport', rtspTransport, ...wallClock], input: url };
  if (isNetworkUrl(url) && !/\.m3u8(\?|$)/i.test(url)) return { before: wallClock, input: url };
  const device = url.replace(/^v4l2:\/\//i, '');
  if (isVideoDevice(device)) return { before: ['-f', 'v4l2'], input: device };
  return { before: [], input: url };
}

/**
 * True for live inputs that have no natural end (network streams and devices); anything else
 * is a file, read at its native rate (`-re`) so it behaves like a camera.
 */
export function isLiveUrl(url: string): boolean {
  return isNetworkUrl(url) || isVideoDevice(url.replace(/^v4l2:\/\//i, ''));
}

function isNetworkUrl(url: string): boolean {
  return /^(rtsps?|rtmps?|https?|udp|tcp|srt|rtp):\/\//i.test(url);
}

function isVideoDevice(path: string): boolean {
  return /^\/dev\/video\d+$/.test(path);
}
