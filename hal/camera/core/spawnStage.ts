import type { StdioOptions } from 'node:child_process';
import type { Readable } from 'node:stream';
import { spawnSupervised } from '../../../base/childProcesses';
import type { Logger } from '../../../base/logger';
import { redactUrlsInText } from '../../../base/redact';
import type { PipelineStage } from './capturePipeline';
import { StderrTail } from './stderrTail';

/** How to start one stage of a capture pipeline. */
export interface StageSpec {
  /** Name used in messages (`ffmpeg`, `rpicam-vid`). */
  name: string;
  command: string;
  args: readonly string[];
  /** What the user should check if it fails. */
  hint: string;
  stdio: StdioOptions;
}

/** Spawns a supervised stage whose stderr lines are kept for the exit reason and logged at debug. */
export function spawnStage(spec: StageSpec, logger: Logger): PipelineStage {
  logger.debug({ command: spec.command, args: spec.args.map(redactUrlsInText) }, 'starting %s', spec.name);
  const process = spawnSupervised(spec.command, spec.args, { stdio: spec.stdio });
  const stderr = new StderrTail(process.child.stderr, (line) => logger.debug({ stage: spec.name }, line));
  return { name: spec.name, process, stderr, hint: spec.hint };
}

/** The stage's stdout; it exists whenever stdio[1] is 'pipe', even if the spawn failed. */
export function stageStdout(stage: PipelineStage): Readable {
  const { stdout } = stage.process.child;
  if (!stdout) throw new Error(`${stage.name} was started without a stdout pipe`);
  return stdout;
}
