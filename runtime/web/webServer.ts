import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from '../../base/logger';
import { RequestError } from '../../base/requestError';
import type { Service } from '../lifecycle/service';
import type { Metrics } from '../metrics/metrics';
import { installErrorHandlers } from './httpErrors';
import { HttpsRedirect } from './httpsRedirect';
import { registerOpenApi } from './openApi';

export interface WebServerOptions {
  host: string;
  port: number;
  bodyLimitBytes: number;
  logger: Logger;
  metrics: Metrics;
  /** PEM files to serve HTTPS with (`http.tls`); plain HTTP when absent. */
  tls?: { cert: string; key: string } | null;
  /** With `tls`: a plain-HTTP port that only redirects to HTTPS (`http.redirect_port`). */
  redirectPort?: number | null;
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; object-src 'none'; frame-ancestors 'none'",
};

/**
 * The HTTP server. Routes are registered by their owners through `app` before `start()`; this
 * service only owns listening, shared error handling, security headers and request metrics, and
 * the plain-HTTP redirect beside HTTPS, which starts and stops with it.
 */
export class WebServer implements Service {
  readonly name = 'web';
  readonly app: FastifyInstance;
  readonly #options: WebServerOptions;
  readonly #redirect: HttpsRedirect | undefined;
  #address: string | undefined;

  constructor(options: WebServerOptions) {
    this.#options = options;
    if (options.redirectPort != null) {
      if (!options.tls) throw new Error('http.redirect_port redirects to HTTPS: set http.tls too');
      this.#redirect = new HttpsRedirect({
        host: options.host,
        port: options.redirectPort,
        httpsPort: options.port,
        logger: options.logger,
      });
    }
    this.app = Fastify({
      ...(options.tls ? { https: readTls(options.tls) } : {}),
      loggerInstance: options.logger as FastifyBaseLogger,
      logController: new LogController({ disableRequestLogging: true }),
      bodyLimit: options.bodyLimitBytes,
      forceCloseConnections: true,
      return503OnClosing: true,
      // Unknown body fields are an error the client should hear about, not something to drop silently.
      ajv: { customOptions: { removeAdditional: false, useDefaults: true } },
    });
    installErrorHandlers(this.app, options.logger);
    installStrictJsonParser(this.app);
    const requestSeconds = options.metrics.summary({
      name: 'vigil_http_request_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
    });
    // Callback hooks, not async ones: they run on every request, and an async hook costs a
    // promise and a microtask turn each time.
    this.app.addHook('onSend', (_request, reply, payload, done) => {
      reply.headers(SECURITY_HEADERS);
      done(null, payload);
    });
    this.app.addHook('onResponse', (request, reply, done) => {
      requestSeconds.observe(
        { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }

  /**
   * Registers the plugins other parts rely on: cookies (before the auth guard reads them) and the
   * OpenAPI document, which only sees routes declared after this resolves.
   */
  async installPlugins(version: string): Promise<void> {
    await this.app.register(cookie);
    await registerOpenApi(this.app, version);
  }

  /** `http://host:port` (or `https://`) once listening. */
  get address(): string | undefined {
    return this.#address;
  }

  /** The plain-HTTP redirect's `http://host:port` once listening, when there is one. */
  get redirectAddress(): string | undefined {
    return this.#redirect?.address;
  }

  async start(): Promise<void> {
    const { host, port } = this.#options;
    try {
      this.#address = await this.app.listen({ host, port });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') {
        throw new Error(
          `port ${port} on ${host} is already in use — stop the other program or set http.port`,
          {
            cause: err,
          },
        );
      }
      throw err;
    }
    this.#options.logger.info({ address: this.#address }, 'web server listening');
    if (this.#redirect) {
      try {
        await this.#redirect.start();
      } catch (err) {
        // A half-started server would keep the HTTPS port after a failed start.
        await this.app.close();
        throw err;
      }
    }
  }

  async stop(): Promise<void> {
    await this.#redirect?.stop();
    await this.app.close();
  }

  health(): Record<string, unknown> {
    return {
      address: this.#address ?? null,
      ...(this.#redirect ? { redirect_address: this.#redirect.address ?? null } : {}),
    };
  }
}

/**
 * JSON bodies must be valid UTF-8: Node would otherwise decode bad bytes to U+FFFD and the
 * damaged text would be stored as if the sender meant it. Parsing itself stays fastify's
 * (with its prototype-poisoning protection).
 */
function installStrictJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) {
      done(
        new RequestError('invalid', 'the body is not valid UTF-8; send JSON encoded as UTF-8', 'body'),
        undefined,
      );
      return;
    }
    parseJson(request, bytes.toString('utf8'), done);
  });
}

/** The certificate and key, read now so that a missing file stops the start with the setting named. */
function readTls(files: { cert: string; key: string }): { cert: Buffer; key: Buffer } {
  const read = (field: 'cert' | 'key') => {
    try {
      return readFileSync(files[field]);
    } catch (err) {
      throw new Error(`http.tls.${field}: cannot read ${files[field]}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  };
  return { cert: read('cert'), key: read('key') };
}
