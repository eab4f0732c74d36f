import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { createDetector } from '../../hal/accel/createDetector';
import type { ObjectDetector } from '../../hal/accel/types';
import { memoryLogger } from './memoryLogger';

/** How the sidecar answers: for real, or the ways a real one goes wrong. */
export type SidecarMode =
  /** Runs the model on the posted image. */
  | 'detect'
  /** Runs the model, but answers only after `delayMs`. */
  | 'slow'
  /** An HTML page, as a proxy or a wrong port answers. */
  | 'notJson'
  /** CodeProject.AI's failure shape: 200 with `success: false` and `error`. */
  | 'failure';

export interface DetectionSidecar {
  /** `http://127.0.0.1:PORT/v1/vision/detection`. */
  url: string;
  port: number;
  mode: SidecarMode;
  delayMs: number;
  /** Detection requests received (refused ones included). */
  requests: number;
  /** Requests that carried the configured API key and a person the model found. */
  personsFound: number;
  /** Starts listening (again) on `port`. */
  listen(): Promise<void>;
  /** Stops listening and drops open connections: the machine is gone; the model stays loaded. */
  down(): Promise<void>;
  /** down(), and unloads the model. */
  close(): Promise<void>;
}

/** Upload bound: a camera frame as JPEG is well under this. */
const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;

/**
 * A stand-in for CodeProject.AI Server's object detection module, for end-to-end tests: it
 * serves `POST /v1/vision/detection` as CodeProject.AI documents it (multipart `image`,
 * `min_confidence`; `{ success, message, count, predictions: [{ label, confidence, x_min, y_min,
 * x_max, y_max }], inferenceMs, processMs, moduleId, code, ... }` with boxes in pixels; failures
 * as `{ success: false, error, code }`), and DeepStack's `api_key` form field when `apiKey` is
 * set (401 without it). Behind it runs a REAL model: our wasm CenterNet detector on the decoded
 * upload; nothing is canned.
 */
export async function startDetectionSidecar(
  options: { port?: number; apiKey?: string; basicAuth?: { user: string; password: string } } = {},
): Promise<DetectionSidecar> {
  const { logger } = memoryLogger();
  const detector = createDetector('sidecar', { type: 'wasm', model: 'centernet' }, { logger });
  await detector.load();
  let server: Server | null = null;
  const sidecar: DetectionSidecar = {
    url: '',
    port: options.port ?? 0,
    mode: 'detect',
    delayMs: 0,
    requests: 0,
    personsFound: 0,
    listen: async () => {
      const listening = createServer((request, response) => {
        handle(sidecar, detector, options, request, response).catch((err: Error) =>
          json(response, 400, { success: false, error: err.message, code: 400 }),
        );
      });
      await new Promise<void>((resolve) => listening.listen(sidecar.port, '127.0.0.1', resolve));
      server = listening;
      sidecar.port = (listening.address() as AddressInfo).port;
      sidecar.url = `http://127.0.0.1:${sidecar.port}/v1/vision/detection`;
    },
    down: async () => {
      const listening = server;
      server = null;
      if (!listening) return;
      listening.closeAllConnections();
      await new Promise((resolve) => listening.close(resolve));
    },
    close: async () => {
      await sidecar.down();
      await detector.close();
    },
  };
  await sidecar.listen();
  return sidecar;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
}

async function handle(
  sidecar: DetectionSidecar,
  detector: ObjectDetector,
  options: { apiKey?: string; basicAuth?: { user: string; password: string } },
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const started = performance.now();
  if (request.method !== 'POST' || request.url !== '/v1/vision/detection') {
    return json(response, 404, {
      success: false,
      error: `no route for ${request.method} ${request.url}`,
      code: 404,
    });
  }
  sidecar.requests++;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_UPLOAD_BYTES)
      return json(response, 413, { success: false, error: 'upload too large', code: 413 });
    chunks.push(chunk as Buffer);
  }
  if (options.basicAuth) {
    const { user, password } = options.basicAuth;
    const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    if (request.headers.authorization !== expected) {
      return json(response, 401, { success: false, error: 'Unauthorized', code: 401 });
    }
  }
  const form = await new Response(Buffer.concat(chunks), {
    headers: { 'content-type': request.headers['content-type'] ?? '' },
  }).formData();
  if (options.apiKey !== undefined && form.get('api_key') !== options.apiKey) {
    return json(response, 401, { success: false, error: 'Incorrect api key', code: 401 });
  }
  const image = form.get('image');
  if (!(image instanceof Blob))
    return json(response, 400, { success: false, error: 'No image supplied', code: 400 });
  const minConfidence = Number(form.get('min_confidence') ?? 0.4);
  if (sidecar.mode === 'notJson') {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<html><body>Welcome to nginx!</body></html>');
    return;
  }
  if (sidecar.mode === 'failure') {
    return json(response, 200, {
      success: false,
      error: 'Unable to run inference: no object detection module is running',
      code: 500,
    });
  }
  const decoded = await sharp(Buffer.from(await image.arrayBuffer()))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = decoded.info;
  const inferenceStart = performance.now();
  const detections = await detector.detect({ data: new Uint8Array(decoded.data), width, height });
  const inferenceMs = Math.round(performance.now() - inferenceStart);
  const predictions = detections
    .filter((d) => d.score >= minConfidence)
    .map((d) => ({
      label: d.label,
      confidence: d.score,
      x_min: Math.round(d.box[0] * width),
      y_min: Math.round(d.box[1] * height),
      x_max: Math.round(d.box[2] * width),
      y_max: Math.round(d.box[3] * height),
    }));
  if (predictions.some((p) => p.label === 'person')) sidecar.personsFound++;
  if (sidecar.mode === 'slow') await new Promise((resolve) => setTimeout(resolve, sidecar.delayMs));
  const processMs = Math.round(performance.now() - started);
  json(response, 200, {
    success: true,
    message:
      predictions.length > 0 ? `Found ${predictions.map((p) => p.label).join(', ')}` : 'No objects found',
    count: predictions.length,
    predictions,
    inferenceMs,
    processMs,
    analysisRoundTripMs: processMs,
    moduleId: 'ObjectDetectionVigilTest',
    moduleName: 'Vigil test sidecar (TensorFlow.js CenterNet)',
    command: 'detect',
    executionProvider: 'CPU',
    canUseGPU: false,
    code: 200,
    timestampUTC: new Date().toUTCString(),
  });
}
