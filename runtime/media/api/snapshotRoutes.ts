import { type Static, Type } from '@sinclair/typebox';
import type { Database } from 'better-sqlite3';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { RequestError } from '../../../base/requestError';
import { NAME_PATTERN } from '../../../base/schema';
import { type SnapshotFiles, snapshotFilesOf } from '../../store/snapshotFiles';
import { sendMediaFile } from './sendMediaFile';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
const CameraParams = Type.Object({ camera: Type.String({ pattern: NAME_PATTERN, maxLength: 128 }) });
const SnapshotQuery = Type.Object(
  { annotated: Type.Optional(Type.Boolean({ description: 'true: with boxes, labels and zones drawn.' })) },
  { additionalProperties: false },
);
const NoQuery = Type.Object({}, { additionalProperties: false });

/**
 * An object's snapshot may still be replaced by a better frame while it is tracked, so browsers
 * keep it briefly and revalidate by ETag; a camera's latest changes with every new object.
 */
const STORED_CACHE = 'private, max-age=60';
const LATEST_CACHE = 'private, max-age=5';

export interface SnapshotRoutesDeps {
  /** The database, for reads (events' `data.snapshot`, incidents' `snapshot_path`). */
  db: Database;
  /** The snapshot store: data_dir and the latest snapshot per camera. */
  snapshots: { readonly dataDir: string; latest(camera: string): SnapshotFiles | null };
}

type Variant = 'snapshot' | 'annotated' | 'thumbnail';

/**
 * `GET /api/v1/events/:id/snapshot.jpg` and `…/thumbnail.jpg`, the same under
 * `/api/v1/incidents/:id/`, and `GET /api/v1/cameras/:camera/snapshot.jpg` (the camera's latest
 * object snapshot); `?annotated=true` gives the variant with boxes, labels and zones. Files are sent
 * by @fastify/static (registered by the media service with `root: data_dir`), so ranges and ETags
 * work. Only paths of Vigil's own snapshot layout are served: a stored path naming anything else
 * (another file under data_dir, `..`) is a 404 and nothing is read.
 */
export function registerSnapshotRoutes(app: FastifyInstance, deps: SnapshotRoutesDeps): void {
  const { db, snapshots } = deps;
  const eventSnapshot = db.prepare<[string], { snapshot: unknown }>(
    `SELECT json_extract(data, '$.snapshot') AS snapshot FROM events WHERE id = ?`,
  );
  const incidentSnapshot = db.prepare<[string], { snapshot: unknown }>(
    'SELECT snapshot_path AS snapshot FROM incidents WHERE id = ?',
  );

  /** Sends one variant of a stored snapshot path; `owner` and `field` say whose, for the 404s. */
  const send = async (
    reply: FastifyReply,
    stored: unknown,
    variant: Variant,
    owner: { text: string; field: string },
    cache: string,
  ) => {
    const files = typeof stored === 'string' ? snapshotFilesOf(stored) : null;
    if (!files)
      throw new RequestError(
        'not_found',
        `${owner.text} names a file that is not a Vigil snapshot`,
        owner.field,
      );
    return sendMediaFile(reply, snapshots.dataDir, files[variant], {
      type: 'image/jpeg',
      what: `the ${describe(variant)} of ${owner.text}`,
      field: owner.field,
      cache,
    });
  };

  for (const [kind, query, list] of [
    ['events', eventSnapshot, 'GET /api/v1/events'],
    ['incidents', incidentSnapshot, 'GET /api/v1/incidents'],
  ] as const) {
    const singular = kind.slice(0, -1);
    const Singular = `${singular.charAt(0).toUpperCase()}${singular.slice(1)}`;
    const storedFor = (id: string): unknown => {
      const row = query.get(id);
      if (!row)
        throw new RequestError('not_found', `no ${singular} with id '${id}' — list them with ${list}`, 'id');
      if (row.snapshot === null || row.snapshot === undefined)
        throw new RequestError(
          'not_found',
          `${singular} '${id}' has no snapshot (snapshots are kept for tracked objects on cameras with snapshots enabled)`,
          'id',
        );
      return row.snapshot;
    };

    app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof SnapshotQuery> }>(
      `/api/v1/${kind}/:id/snapshot.jpg`,
      {
        schema: {
          summary: `The snapshot of an ${singular}`,
          operationId: `get${Singular}Snapshot`,
          params: IdParams,
          querystring: SnapshotQuery,
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const owner = { text: `${singular} '${id}'`, field: 'id' };
        const variant = request.query.annotated ? 'annotated' : 'snapshot';
        return send(reply, storedFor(id), variant, owner, STORED_CACHE);
      },
    );

    app.get<{ Params: Static<typeof IdParams> }>(
      `/api/v1/${kind}/:id/thumbnail.jpg`,
      {
        schema: {
          summary: `The thumbnail of an ${singular}`,
          operationId: `get${Singular}Thumbnail`,
          params: IdParams,
          querystring: NoQuery,
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const owner = { text: `${singular} '${id}'`, field: 'id' };
        return send(reply, storedFor(id), 'thumbnail', owner, STORED_CACHE);
      },
    );
  }

  app.get<{ Params: Static<typeof CameraParams>; Querystring: Static<typeof SnapshotQuery> }>(
    '/api/v1/cameras/:camera/snapshot.jpg',
    {
      schema: {
        summary: 'A snapshot of a camera now',
        operationId: 'getCameraSnapshot',
        params: CameraParams,
        querystring: SnapshotQuery,
      },
    },
    async (request, reply) => {
      const { camera } = request.params;
      const latest = snapshots.latest(camera);
      if (!latest)
        throw new RequestError(
          'not_found',
          `no object seen on camera '${camera}' yet (GET /api/v1/cameras/${camera}/latest.jpg is the live frame)`,
          'camera',
        );
      const variant = request.query.annotated ? 'annotated' : 'snapshot';
      return send(
        reply,
        latest.snapshot,
        variant,
        { text: `camera '${camera}'`, field: 'camera' },
        LATEST_CACHE,
      );
    },
  );
}

function describe(variant: Variant): string {
  return variant === 'thumbnail' ? 'thumbnail' : variant === 'annotated' ? 'annotated snapshot' : 'snapshot';
}
