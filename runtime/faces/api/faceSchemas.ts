import { Type } from '@sinclair/typebox';
import { stringEnum } from '../../../base/schema';
import { MAX_PERSON_NAME_LENGTH } from '../personName';
import { FACE_LISTS } from '../types';

const PersonName = Type.String({
  minLength: 1,
  maxLength: MAX_PERSON_NAME_LENGTH,
  description: "The person's name: letters, digits, spaces and . _ ' -, starting with a letter or digit.",
});

const List = stringEnum(FACE_LISTS, 'known, or blacklist (a match raises a critical event).');

/** Body of `POST /api/v1/faces`. */
export const EnrollBody = Type.Object(
  {
    name: PersonName,
    list: Type.Optional(List),
    image: Type.String({
      minLength: 1,
      description:
        'The photo, base64 (JPEG, PNG or WebP; a data: URL prefix is accepted). Its largest face is enrolled.',
    }),
  },
  { additionalProperties: false },
);

/** Body of `POST /api/v1/faces/unknown/:id/enroll`: the face is the one recognised, so no image. */
export const EnrollUnknownBody = Type.Object(
  { name: PersonName, list: Type.Optional(List) },
  { additionalProperties: false },
);

/** Body of `PATCH /api/v1/faces/:name` and `POST /api/v1/faces/:name/list`. */
export const MoveBody = Type.Object({ list: List }, { additionalProperties: false });

export const NameParams = Type.Object({ name: PersonName });

export const UnknownIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const UnknownListQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 500, description: 'At most this many (default 50).' }),
    ),
    since: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Only faces seen at or after this time (epoch ms).' }),
    ),
  },
  { additionalProperties: false },
);
