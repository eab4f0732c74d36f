import { spawnSupervised } from '../../../base/childProcesses';
import { StderrTail } from '../core/stderrTail';

/** What a finished one-shot ffmpeg/ffprobe run produced. */
export interface ToolResult {
  stdout: string;
  stderrLines: readonly string[];
}

/** A one-shot ffmpeg/ffprobe run that failed; the message ends with its last stderr lines. */
class ToolError extends Error {}

/**
 * Runs ffmpeg or ffprobe to completion (tracked like every other child, so it dies with the
 * daemon), collects stdout and the last stderr lines, and rejects with `what` plus the tail of
 * stderr when it fails or outlives `timeoutMs`.
 */
export async function runTool(
  command: string,
  args: readonly string[],
  options: { what: string; timeoutMs: number },
): Promise<ToolResult> {
  const tool = spawnSupervised(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = new StderrTail(tool.child.stderr, () => {}, 6);
  const chunks: Buffer[] = [];
  tool.child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void tool.kill(1000);
  }, options.timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    tool.child.once('close', (c: number | null, s: NodeJS.Signals | null) => resolve([c, s]));
  });
  clearTimeout(timer);
  const spawnError = tool.spawnError();
  const tail = stderr.lines().join(' | ');
  if (spawnError)
    throw new ToolError(
      `${options.what}: cannot run '${command}' (${spawnError.code ?? spawnError.message}) — install ffmpeg`,
    );
  if (timedOut)
    throw new ToolError(
      `${options.what}: ${command} took longer than ${options.timeoutMs} ms${tail ? `: ${tail}` : ''}`,
    );
  if (code !== 0)
    throw new ToolError(
      `${options.what}: ${command} ${signal ? `was killed by ${signal}` : `exited (code ${code})`}${tail ? `: ${tail}` : ''}`,
    );
  return { stdout: Buffer.concat(chunks).toString('utf8'), stderrLines: stderr.lines() };
}
