import type { Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { RequestError } from '../../../base/requestError';
import type { EnrollResult, FaceEnroller } from '../faceEnroller';
import type { FaceGallery } from '../gallery/faceGallery';
import type { PersonSummary } from '../gallery/galleryStore';
import type { UnknownFaceSummary } from '../gallery/unknownFaceStore';
import { checkPersonName } from '../personName';
import { decodeBase64Image } from './base64Image';
import {
  EnrollBody,
  EnrollUnknownBody,
  MoveBody,
  NameParams,
  UnknownIdParams,
  UnknownListQuery,
} from './faceSchemas';

export interface FaceRouteDeps {
  gallery: FaceGallery;
  enroller: FaceEnroller;
}

/** Uploads are base64 photos: allow more than the API's general body limit. */
const ENROLL_BODY_LIMIT = 16 * 1024 * 1024;
const DEFAULT_UNKNOWN_LIMIT = 50;

/**
 * The face gallery API: `GET /api/v1/faces` (people, lists, descriptor counts), `POST` (enroll
 * from a base64 photo), `PATCH /:name` or `POST /:name/list` (move between known and blacklist),
 * `DELETE /:name`, `GET /:name/thumbnail.jpg`, `GET /unknown` (recent unknown faces),
 * `POST /unknown/:id/enroll` (enroll an unknown face as it was recognised) and
 * `GET /unknown/:id/crop.jpg`. Bad input is a 400 naming the field and changes nothing.
 */
export function registerFaceRoutes(app: FastifyInstance, deps: FaceRouteDeps): void {
  const { gallery, enroller } = deps;

  app.get(
    '/api/v1/faces',
    { schema: { summary: 'List the enrolled people', operationId: 'listPeople' } },
    async () => ({
      people: gallery.people().map(personView),
    }),
  );

  app.post<{ Body: Static<typeof EnrollBody> }>(
    '/api/v1/faces',
    {
      schema: { summary: 'Enroll a person from photos', operationId: 'enrollPerson', body: EnrollBody },
      bodyLimit: ENROLL_BODY_LIMIT,
    },
    async (request, reply) => {
      const { name, list, image } = request.body;
      const checkedName = checkPersonName(name);
      const bytes = decodeBase64Image(image, 'image');
      const result = await enroller.enroll({
        name: checkedName,
        list,
        images: [{ input: bytes, label: 'the uploaded image', field: 'image' }],
      });
      return reply.code(201).send(enrollView(result));
    },
  );

  const move = async (name: string, list: Static<typeof MoveBody>['list']) =>
    personView(await gallery.move(name, list));
  app.patch<{ Params: Static<typeof NameParams>; Body: Static<typeof MoveBody> }>(
    '/api/v1/faces/:name',
    {
      schema: {
        summary: 'Move a person to another list',
        operationId: 'updatePerson',
        params: NameParams,
        body: MoveBody,
      },
    },
    async (request) => move(request.params.name, request.body.list),
  );
  app.post<{ Params: Static<typeof NameParams>; Body: Static<typeof MoveBody> }>(
    '/api/v1/faces/:name/list',
    {
      schema: {
        summary: 'Move a person to another list (POST form)',
        operationId: 'movePerson',
        params: NameParams,
        body: MoveBody,
      },
    },
    async (request) => move(request.params.name, request.body.list),
  );

  app.delete<{ Params: Static<typeof NameParams> }>(
    '/api/v1/faces/:name',
    {
      schema: { summary: 'Forget a person and their faces', operationId: 'deletePerson', params: NameParams },
    },
    async (request) => ({
      removed: personView(await gallery.remove(request.params.name)),
    }),
  );

  app.get<{ Params: Static<typeof NameParams> }>(
    '/api/v1/faces/:name/thumbnail.jpg',
    { schema: { summary: 'A thumbnail of a person', operationId: 'getPersonThumbnail', params: NameParams } },
    async (request, reply) => {
      const jpeg = gallery.thumbnail(request.params.name);
      if (!jpeg) throw new RequestError('not_found', `no thumbnail for '${request.params.name}'`, 'name');
      return sendJpeg(reply, jpeg);
    },
  );

  app.get<{ Querystring: Static<typeof UnknownListQuery> }>(
    '/api/v1/faces/unknown',
    {
      schema: {
        summary: 'Faces seen but not recognised',
        operationId: 'listUnknownFaces',
        querystring: UnknownListQuery,
      },
    },
    async (request) => ({
      faces: gallery
        .recentUnknown(request.query.limit ?? DEFAULT_UNKNOWN_LIMIT, request.query.since)
        .map(unknownFaceView),
    }),
  );

  app.post<{ Params: Static<typeof UnknownIdParams>; Body: Static<typeof EnrollUnknownBody> }>(
    '/api/v1/faces/unknown/:id/enroll',
    {
      schema: {
        summary: 'Enroll an unknown face as a person',
        operationId: 'enrollUnknownFace',
        params: UnknownIdParams,
        body: EnrollUnknownBody,
      },
    },
    async (request, reply) => {
      const { name, list } = request.body;
      const result = await enroller.enrollUnknown(request.params.id, { name, list });
      return reply.code(201).send(enrollView(result));
    },
  );

  app.get<{ Params: Static<typeof UnknownIdParams> }>(
    '/api/v1/faces/unknown/:id/crop.jpg',
    {
      schema: {
        summary: 'The crop of an unknown face',
        operationId: 'getUnknownFaceCrop',
        params: UnknownIdParams,
      },
    },
    async (request, reply) => {
      const jpeg = gallery.unknownCrop(request.params.id);
      if (!jpeg)
        throw new RequestError(
          'not_found',
          `no unknown face ${request.params.id} (it may have been pruned)`,
          'id',
        );
      return sendJpeg(reply, jpeg);
    },
  );
}

/** A person of the gallery as the API shows them. */
export type PersonView = ReturnType<typeof personView>;
/** A recent unknown face (`GET /api/v1/faces/unknown`). */
export type UnknownFaceView = ReturnType<typeof unknownFaceView>;
/** What `POST /api/v1/faces` did. */
export type EnrollView = ReturnType<typeof enrollView>;

function personView(person: PersonSummary) {
  return { ...person, thumbnail_url: `/api/v1/faces/${encodeURIComponent(person.name)}/thumbnail.jpg` };
}

function unknownFaceView({ has_crop, ...face }: UnknownFaceSummary) {
  return {
    ...face,
    score: round(face.score),
    crop_url: has_crop ? `/api/v1/faces/unknown/${face.id}/crop.jpg` : null,
  };
}

function enrollView(result: EnrollResult) {
  return {
    person: personView(result.person),
    created: result.created,
    added: result.added,
    faces: result.faces.map(({ score, sizePx, sharpness }) => ({
      score: round(score),
      size_px: Math.round(sizePx),
      sharpness: round(sharpness),
    })),
  };
}

function sendJpeg(reply: FastifyReply, jpeg: Buffer) {
  return reply.type('image/jpeg').header('cache-control', 'private, max-age=60').send(jpeg);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
