import { type Static, Type } from '@sinclair/typebox';
import { NAME_PATTERN, strictObject } from '../../../base/schema';

const Coordinate = Type.Number({
  minimum: 0,
  maximum: 1,
  description:
    'Fraction of the frame, 0 (left/top) to 1 (right/bottom), so zones survive a resolution change.',
});

/** One point of a polygon as `[x, y]`, each a fraction of the frame size. */
const PointSchema = Type.Tuple([Coordinate, Coordinate], {
  description: 'A point [x, y]; x and y are fractions of the frame, 0..1.',
});

/** A polygon of at least three points. */
export const PolygonSchema = Type.Array(PointSchema, {
  minItems: 3,
  description: 'Polygon as a list of at least 3 [x, y] points, each 0..1.',
});

/** A named area of the frame in which objects raise events of their own. */
const ZoneSchema = strictObject(
  {
    coordinates: PolygonSchema,
    objects: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Labels that count in this zone; empty means every tracked label.',
    }),
    loitering_seconds: Type.Integer({
      minimum: 0,
      default: 0,
      description: 'Raise a loitering event when an object stays this long; 0 turns it off.',
    }),
  },
  { description: 'A named area of the frame.' },
);

/** Zones of one camera by name. */
export const ZonesSchema = Type.Record(Type.String({ pattern: NAME_PATTERN }), ZoneSchema, {
  additionalProperties: false,
  default: {},
  description: 'Zones by name (lowercase letters, digits, "_" and "-").',
});

/** A named area of the frame. */
export type ZoneConfig = Static<typeof ZoneSchema>;
/** A polygon as [x, y] points. */
export type Polygon = Static<typeof PolygonSchema>;
