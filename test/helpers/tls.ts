import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { join } from 'node:path';

/** A certificate and its key as PEM files, and the certificate's text to trust it with. */
export interface TestCertificate {
  cert: string;
  key: string;
  pem: string;
}

/**
 * A self-signed EC P-256 certificate for localhost and 127.0.0.1, made with openssl in `dir`
 * (the way the image's first boot makes the device's own).
 */
export function selfSignedCertificate(dir: string): TestCertificate {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-sha256'],
      ...['-days', '1', '-subj', '/CN=localhost', '-keyout', key, '-out', cert],
      ...['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { cert, key, pem: readFileSync(cert, 'utf8') };
}

/** An answer read whole. */
export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Reads a response to its end (for requests made with node:http or node:https). */
export function readAnswer(response: IncomingMessage): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () =>
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }),
    );
    response.on('error', reject);
  });
}

/** One HTTPS request that trusts only `ca` (fetch cannot be given a certificate to trust). */
export function httpsRequest(
  url: string,
  options: { ca: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { ca: options.ca, method: options.method ?? 'GET', headers: options.headers ?? {} },
      (response) => readAnswer(response).then(resolve, reject),
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}
