import { stat } from 'node:fs/promises';
import type {} from '@fastify/static';
import type { FastifyReply } from 'fastify';
import { RequestError } from '../../../base/requestError';
import { resolveMediaPath } from '../../store/mediaPaths';

export interface MediaReply {
  /** Content type: `video/mp4`, `image/jpeg`. */
  type: string;
  /** Whose file, for the 404 messages: "the clip of incident 'x'". */
  what: string;
  /** The request field a 404 names (`id`, `camera`). */
  field: string;
  /** Cache-Control; these are private pictures, never `public`. */
  cache: string;
  /** Ask the browser to save it under this name. */
  download?: string;
}

/**
 * Sends a media file named by a database row (a path relative to data_dir) with Range, ETag and
 * Last-Modified support (`@fastify/static`, registered by the media service with data_dir as its
 * root). A path that would leave data_dir, or a file retention has removed, is a 404 saying so.
 */
export async function sendMediaFile(
  reply: FastifyReply,
  dataDir: string,
  stored: string,
  options: MediaReply,
): Promise<FastifyReply> {
  const full = resolveMediaPath(dataDir, stored);
  if (full === null)
    throw new RequestError('not_found', `${options.what} is not a file Vigil serves`, options.field);
  const isFile = await stat(full).then(
    (found) => found.isFile(),
    () => false,
  );
  if (!isFile) {
    throw new RequestError(
      'not_found',
      `${options.what} was deleted by retention (age, size cap or low disk space) — protect an incident to keep its media`,
      options.field,
    );
  }
  reply.type(options.type).header('Cache-Control', options.cache);
  if (options.download) reply.header('Content-Disposition', `attachment; filename="${options.download}"`);
  // Our own Cache-Control: @fastify/static's default would be `public`.
  return reply.sendFile(stored, dataDir, { cacheControl: false });
}
