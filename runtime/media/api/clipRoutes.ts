import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { RequestError } from '../../../base/requestError';
import type { Database } from '../../store/database';
import { sendMediaFile } from './sendMediaFile';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
const ClipQuery = Type.Object(
  { download: Type.Optional(Type.Boolean({ description: 'Ask the browser to save the file.' })) },
  { additionalProperties: false },
);

/** What a clip state means for someone asking for the file. */
const NOT_READY: Record<string, string> = {
  recording:
    'is still being recorded (it is cut post_capture seconds after the incident ends) — try again later',
  missing: 'has no clip: nothing was recorded while it happened (see clip_gaps)',
  failed: 'has no clip: joining the recording failed (see the incident audit trail)',
  deleted: 'had a clip, but retention deleted it — protect incidents whose clips you want to keep',
};

/** `GET /api/v1/incidents/:id/clip.mp4` (HTTP range requests for seeking; `?download=true` to save it). */
export function registerClipRoutes(app: FastifyInstance, deps: { db: Database; dataDir: string }): void {
  const select = deps.db.prepare('SELECT camera, clip_state, clip_path FROM incidents WHERE id = ?');
  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof ClipQuery> }>(
    '/api/v1/incidents/:id/clip.mp4',
    {
      schema: {
        summary: 'The video clip of an incident',
        operationId: 'getIncidentClip',
        params: IdParams,
        querystring: ClipQuery,
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const row = select.get(id) as
        | { camera: string | null; clip_state: string | null; clip_path: string | null }
        | undefined;
      if (row === undefined)
        throw new RequestError(
          'not_found',
          `no incident with id '${id}' — list them with GET /api/v1/incidents`,
          'id',
        );
      if (row.clip_state !== 'ready' || row.clip_path === null) {
        const why =
          NOT_READY[row.clip_state ?? ''] ??
          'has no clip (only incidents on cameras with record.enabled get one, or those a rule routes to clip)';
        throw new RequestError('not_found', `incident '${id}' ${why}`, 'id');
      }
      return sendMediaFile(reply, deps.dataDir, row.clip_path, {
        type: 'video/mp4',
        what: `the clip of incident '${id}'`,
        field: 'id',
        // A finished clip never changes.
        cache: 'private, max-age=86400',
        ...(request.query.download ? { download: `${row.camera ?? 'vigil'}-${id}.mp4` } : {}),
      });
    },
  );
}
