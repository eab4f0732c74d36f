import { type MessagePort, parentPort } from 'node:worker_threads';
import type { LoadableModelRunner } from '../types';
import { transferableBuffers, type WorkerReply, type WorkerRequest } from './protocol';

/**
 * Answers WorkerRequests from the main thread with `runner`, one request at a time, in order.
 * Used by the detector worker entry point, and by test workers that script misbehaviour.
 */
export function serveModelRunner(runner: LoadableModelRunner, port: MessagePort | null = parentPort): void {
  if (!port) throw new Error('serveModelRunner must run inside a worker thread');
  let queue = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    queue = queue.then(() => answer(runner, port, request));
  });
}

async function answer(runner: LoadableModelRunner, port: MessagePort, request: WorkerRequest): Promise<void> {
  let reply: WorkerReply;
  try {
    if (request.kind === 'load') {
      reply = { kind: 'loaded', id: request.id, info: await runner.load(request.modelId) };
    } else if (request.kind === 'run') {
      reply = { kind: 'result', id: request.id, outputs: await runner.run(request.modelId, request.input) };
    } else {
      await runner.close();
      reply = { kind: 'closed', id: request.id };
    }
  } catch (err) {
    reply = { kind: 'failed', id: request.id, message: (err as Error)?.message ?? String(err) };
  }
  const transfer = reply.kind === 'result' ? transferableBuffers(reply.outputs) : [];
  try {
    port.postMessage(reply, transfer);
  } catch {
    // Some buffers (e.g. backed by native memory) refuse to move: send a copy instead.
    port.postMessage(reply);
  }
}
