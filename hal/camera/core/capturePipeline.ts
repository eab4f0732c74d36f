import type { Readable } from 'node:stream';
import type { SupervisedChild } from '../../../base/childProcesses';
import { notInstalledReason } from './notInstalled';
import type { StderrTail } from './stderrTail';

/** One process of a capture pipeline (rpicam-vid, ffmpeg). */
export interface PipelineStage {
  /** Name used in messages, e.g. `ffmpeg`. */
  name: string;
  process: SupervisedChild;
  stderr: StderrTail;
  /** What to check when this stage fails, e.g. `check cameras.front.source.url`. */
  hint: string;
}

/** Why a pipeline stopped on its own. */
export interface PipelineEnd {
  /** A sentence for the offline status and the log. */
  reason: string;
  /** Exit code of the stage that ended first; null when it was signalled or never started. */
  exitCode: number | null;
  /** A stage's program (ffmpeg) is not installed: reconnecting soon cannot help. */
  notInstalled?: boolean;
}

/**
 * The processes behind one connection attempt and the raw frame byte stream they produce.
 * It ends as soon as any stage exits; the supervisor then stops the rest.
 */
export interface CapturePipeline {
  /** Raw frames at detect size (the source's pixel format), back to back. */
  readonly output: Readable;
  readonly ended: Promise<PipelineEnd>;
  /** Stops every stage (SIGTERM, then SIGKILL after `graceMs`); resolves when all are gone. */
  stop(graceMs: number): Promise<void>;
  /** Process ids of the stages that started. */
  pids(): number[];
}

/** Joins stages into a {@link CapturePipeline} whose frames come out of `output`. */
export function capturePipeline(stages: readonly PipelineStage[], output: Readable): CapturePipeline {
  const ended = Promise.race(stages.map((stage) => stageEnded(stage)));
  return {
    output,
    ended,
    stop: async (graceMs) => {
      await Promise.all(stages.map((stage) => stage.process.kill(graceMs)));
      // A paused stdout (lossless mode) would otherwise hold back the 'close' event forever.
      for (const stage of stages) stage.process.child.stdout?.destroy();
      output.destroy();
    },
    pids: () =>
      stages.flatMap((stage) => (stage.process.child.pid === undefined ? [] : [stage.process.child.pid])),
  };
}

/** Resolves once the stage's process has closed its pipes, with a reason naming what happened. */
function stageEnded(stage: PipelineStage): Promise<PipelineEnd> {
  return new Promise((resolve) => {
    stage.process.child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      const notInstalled = notInstalledReason(stage.process.command, stage.process.spawnError());
      resolve({
        reason: notInstalled ?? describeEnd(stage, code, signal),
        exitCode: stage.process.spawnError() ? null : code,
        notInstalled: notInstalled !== undefined,
      });
    });
  });
}

function describeEnd(stage: PipelineStage, code: number | null, signal: NodeJS.Signals | null): string {
  const { command } = stage.process;
  const spawnError = stage.process.spawnError();
  if (spawnError?.code === 'ENOENT') return `'${command}' not found — ${stage.hint}`;
  if (spawnError?.code === 'EACCES') return `'${command}' is not executable — ${stage.hint}`;
  if (spawnError) return `cannot start '${command}': ${spawnError.message} — ${stage.hint}`;
  const said = stage.stderr.lastLine();
  const how = signal
    ? `was killed by ${signal}`
    : code === 0
      ? 'ended the stream (exit code 0)'
      : `exited (code ${code})`;
  return `${stage.name} ${how}${said ? `: ${said}` : ''} — ${stage.hint}`;
}
