import type { PathIssue } from '../../../base/pathIssue';
import { redactUrl } from '../../../base/redact';
import { gpioLines } from '../../../hal/gpio/gpioSchema';
import type { Config } from '../schema/index';
import { cronProblem } from './cron';

const BROKER_URL = /^(mqtts?|wss?|tcp|ssl|tls):\/\/[^/\s]+/i;
const HTTP_URL = /^https?:\/\/[^/\s]+/i;

/** The time zone must be one the runtime's ICU data knows, or every schedule would be off. */
export function timezoneIssues(config: Config): PathIssue[] {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: config.device.timezone });
    return [];
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return [
      {
        path: ['device', 'timezone'],
        message: `unknown time zone '${config.device.timezone}' — use an IANA name such as 'Europe/Berlin' or 'UTC'`,
      },
    ];
  }
}

/** Retention's cron schedule. */
export function retentionIssues(config: Config): PathIssue[] {
  const problem = cronProblem(config.retention.schedule);
  return problem === undefined ? [] : [{ path: ['retention', 'schedule'], message: problem }];
}

/** Broker URL scheme, and TLS client certificate and key given together. */
export function mqttIssues(config: Config): PathIssue[] {
  const { url, tls } = config.mqtt;
  const issues: PathIssue[] = [];
  if (!BROKER_URL.test(url)) {
    issues.push({
      path: ['mqtt', 'url'],
      message: `must be a broker URL such as mqtt://broker:1883 (mqtt, mqtts, ws, wss) (got '${url}')`,
    });
  }
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    issues.push({
      path: ['mqtt', 'tls'],
      message: 'set both cert and key for a client certificate, or neither',
    });
  }
  const { min_seconds, max_seconds } = config.mqtt.reconnect;
  if (min_seconds > max_seconds) {
    issues.push({
      path: ['mqtt', 'reconnect', 'max_seconds'],
      message: `must be at least min_seconds (${min_seconds})`,
    });
  }
  const siren = config.mqtt.siren_output;
  if (siren !== undefined && config.gpio[siren]?.direction !== 'output') {
    const outputs = gpioLines(config.gpio, 'output').map(([name]) => name);
    issues.push({
      path: ['mqtt', 'siren_output'],
      message: `'${siren}' is not a GPIO output (${outputs.length === 0 ? 'none is configured under gpio' : `outputs: ${outputs.join(', ')}`})`,
    });
  }
  return issues;
}

/** The plain-HTTP redirect needs HTTPS to redirect to, on another port. */
export function httpIssues(config: Config): PathIssue[] {
  const { redirect_port, tls, port } = config.http;
  if (redirect_port === null) return [];
  if (tls === null) {
    return [
      {
        path: ['http', 'redirect_port'],
        message:
          'redirects plain HTTP to HTTPS, so it needs http.tls: { cert, key } — set http.tls, or set redirect_port to null',
      },
    ];
  }
  if (redirect_port === port) {
    return [
      {
        path: ['http', 'redirect_port'],
        message: `must differ from http.port (${port}), where HTTPS is served — e.g. 8080 beside 8443`,
      },
    ];
  }
  return [];
}

/** Remote detectors are reached over HTTP. */
export function detectorIssues(config: Config): PathIssue[] {
  const issues: PathIssue[] = [];
  for (const [name, detector] of Object.entries(config.detectors)) {
    if (detector.type === 'onnx' && (detector.model === undefined) === (detector.model_path === undefined)) {
      issues.push({
        path: ['detectors', name],
        message:
          detector.model === undefined
            ? "needs 'model_path' (an .onnx file) or 'model' (a built-in model: nanodet)"
            : "give 'model_path' or 'model', not both",
      });
    }
    if (detector.type === 'remote' && !HTTP_URL.test(detector.url)) {
      issues.push({
        path: ['detectors', name, 'url'],
        message: `must be an http:// or https:// URL such as http://ai-box:32168/v1/vision/detection (got '${redactUrl(detector.url)}')`,
      });
    }
  }
  return issues;
}
