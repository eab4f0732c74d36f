import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../base/logger';

export interface HttpsRedirectOptions {
  /** Address to listen on (the HTTPS server's `http.host`). */
  host: string;
  /** The plain-HTTP port (`http.redirect_port`). */
  port: number;
  /** Where HTTPS is served (`http.port`): every redirect points there. */
  httpsPort: number;
  logger: Logger;
}

/** A host name or an IP literal as a Host header may carry it, with an optional port. */
const HOST_HEADER = /^(\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}))(?::\d{1,5})?$/;
/** A request target that is a path with its query (origin form), printable ASCII only. */
const ORIGIN_FORM = /^\/[\x21-\x7e]*$/;
/** Idle or slow clients are dropped quickly: this listener has nothing to wait for. */
const TIMEOUT_MS = 10_000;
const MAX_CONNECTIONS = 256;

/**
 * The plain-HTTP listener beside the HTTPS server (`http.redirect_port`): it answers every request,
 * whatever its method or path, with a 308 to the same path and query on HTTPS, so an old http://
 * bookmark lands on HTTPS with its method kept. It serves nothing else (no API, no page, no health),
 * reads no body and keeps no connection open.
 */
export class HttpsRedirect {
  readonly #options: HttpsRedirectOptions;
  readonly #server: Server;
  #address: string | undefined;

  constructor(options: HttpsRedirectOptions) {
    this.#options = options;
    this.#server = createServer(
      { headersTimeout: TIMEOUT_MS, requestTimeout: TIMEOUT_MS },
      (request, response) => this.#redirect(request, response),
    );
    this.#server.maxConnections = MAX_CONNECTIONS;
    this.#server.on('clientError', (_err, socket) => {
      // A malformed request gets a plain 400 and the connection closed; nothing is logged per client.
      if (socket.writable)
        socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      else socket.destroy();
    });
  }

  /** `http://host:port` once listening. */
  get address(): string | undefined {
    return this.#address;
  }

  async start(): Promise<void> {
    const { host, port } = this.#options;
    this.#server.listen({ host, port });
    try {
      await Promise.race([
        once(this.#server, 'listening'),
        once(this.#server, 'error').then(([err]) => Promise.reject(err)),
      ]);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new Error(
          `port ${port} on ${host} is already in use — stop the other program or set http.redirect_port`,
          { cause: err },
        );
      }
      throw err;
    }
    // Later errors (e.g. out of file descriptors while accepting) must not end the process.
    this.#server.on('error', (err) =>
      this.#options.logger.warn({ err }, 'plain-HTTP redirect listener error'),
    );
    const bound = this.#server.address() as AddressInfo;
    this.#address = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
    this.#options.logger.info(
      { address: this.#address, https_port: this.#options.httpsPort },
      'plain HTTP redirects to HTTPS',
    );
  }

  async stop(): Promise<void> {
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
    this.#address = undefined;
  }

  #redirect(request: IncomingMessage, response: ServerResponse): void {
    const host = redirectHost(request.headers.host, request.socket.localAddress);
    const port = this.#options.httpsPort === 443 ? '' : `:${this.#options.httpsPort}`;
    response.writeHead(308, {
      location: `https://${host}${port}${redirectPath(request.url)}`,
      // The ports are configuration: a cached permanent redirect would outlive a change of them.
      'cache-control': 'no-store',
      'content-length': '0',
      connection: 'close',
    });
    response.end();
  }
}

/**
 * The host to redirect to: the one the client asked for (without its port) when it is a plain
 * host name or IP literal, else the address the request came in on.
 */
function redirectHost(hostHeader: string | undefined, localAddress: string | undefined): string {
  const match = hostHeader === undefined ? null : HOST_HEADER.exec(hostHeader);
  if (match?.[1]) return match[1];
  const local = (localAddress ?? '127.0.0.1').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return local.includes(':') ? `[${local}]` : local;
}

/**
 * The path and query to keep: the request target when it is a path (origin form); `/` for every
 * other form (`*`, absolute URLs). Node's parser has already refused targets with bytes outside
 * printable ASCII (400), so the target can go into the header as it is.
 */
function redirectPath(target: string | undefined): string {
  return target !== undefined && ORIGIN_FORM.test(target) ? target : '/';
}
