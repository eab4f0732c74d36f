import { PassThrough } from 'node:stream';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { RequestError } from '../../../base/requestError';
import { MJPEG_BOUNDARY, type MjpegHub } from './mjpegHub';

/** The stream's path; Home Assistant's `mjpeg_url` and the status page's fallback use it. */
const MJPEG_ROUTE = '/api/v1/cameras/:camera/stream.mjpeg';

const Params = Type.Object({
  camera: Type.String({
    minLength: 1,
    maxLength: 128,
    description: 'The camera, by its name in the config.',
  }),
});
const Query = Type.Object(
  { annotated: Type.Optional(Type.Boolean({ description: 'true: with boxes, labels and zones drawn.' })) },
  { additionalProperties: false },
);
const ErrorBody = Type.Object(
  { error: Type.String(), field: Type.Union([Type.String(), Type.Null()]) },
  { description: 'What was wrong, and the field at fault.' },
);

/**
 * `GET /api/v1/cameras/:camera/stream.mjpeg`: the camera's processed frames as JPEGs in
 * `multipart/x-mixed-replace`, at its detect rate, until the client goes away or the camera stops.
 * `mustExist` answers 404 for an unknown camera.
 */
export function registerMjpegRoute(
  app: FastifyInstance,
  hub: MjpegHub,
  mustExist: (camera: string) => void,
): void {
  app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof Query> }>(
    MJPEG_ROUTE,
    {
      // HEAD would take a viewer's place for a body nobody reads.
      exposeHeadRoute: false,
      schema: {
        operationId: 'streamCameraMjpeg',
        summary: "A camera's live frames as an MJPEG stream",
        description:
          'JPEG frames in `multipart/x-mixed-replace` at the camera’s detect rate, for Home Assistant’s `mjpeg` camera and ' +
          'browsers. Besides the session and Bearer token, HTTP Basic with `http.auth.token` as the password (any user name) ' +
          'is accepted here. A client that cannot keep up misses frames; one that takes none for 15 s is dropped.',
        tags: ['cameras'],
        security: [{ session: [] }, { token: [] }, { basic: [] }],
        params: Params,
        querystring: Query,
        response: {
          200: {
            description: `JPEG parts separated by the boundary \`${MJPEG_BOUNDARY}\`, each with Content-Type and Content-Length.`,
            content: {
              'multipart/x-mixed-replace': { schema: { type: 'string', contentMediaType: 'image/jpeg' } },
            },
          },
          400: { ...ErrorBody, description: 'An unknown query parameter, or annotated not a boolean.' },
          401: {
            ...ErrorBody,
            description:
              'No session, token or Basic password, or a wrong one (with `WWW-Authenticate: Basic`).',
          },
          404: { ...ErrorBody, description: 'No such camera (the known ones are named).' },
          503: {
            ...ErrorBody,
            description: 'The camera already has `cameras.<name>.mjpeg.max_viewers` viewers.',
          },
        },
      },
    },
    async (request, reply) => {
      const { camera } = request.params;
      mustExist(camera);
      const sink = new PassThrough();
      const opened = hub.open(camera, sink, request.query.annotated === true);
      if (opened.kind === 'full') {
        sink.destroy();
        reply.header('retry-after', '10');
        throw new RequestError(
          'unavailable',
          `camera '${camera}' already has ${opened.limit} MJPEG viewers (cameras.${camera}.mjpeg.max_viewers is ${opened.limit}): close one, or raise the limit`,
          'camera',
        );
      }
      return reply
        .type(`multipart/x-mixed-replace; boundary=${MJPEG_BOUNDARY}`)
        .header('cache-control', 'no-store')
        .send(sink);
    },
  );
}
