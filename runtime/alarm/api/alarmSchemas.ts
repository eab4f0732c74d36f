import { Type } from '@sinclair/typebox';
import { stringEnum } from '../../../base/schema';
import { OUTPUT_ACTIONS } from '../outputController';

const Reason = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'Why, for the audit trail (default: "manual").',
});

/** Body of `PUT /api/v1/alarm`. */
export const ModeBody = Type.Object(
  {
    mode: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'The mode to switch to; one of alarm.modes.',
    }),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);

/** Body of `POST /api/v1/gpio/:name`. */
export const OutputCommandBody = Type.Object(
  {
    action: stringEnum(
      OUTPUT_ACTIONS,
      "on (runs the output's pattern), off, or silence (off, and rules cannot switch it on for a while).",
    ),
    duration_seconds: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 86_400,
        description:
          "on: how long (at most the output's max_on; default max_on). silence: how long (default silence_seconds).",
      }),
    ),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);

/** Params of `POST /api/v1/gpio/:name`. */
export const OutputParams = Type.Object({
  name: Type.String({
    minLength: 1,
    maxLength: 64,
    description: 'The output, as under gpio: in the config.',
  }),
});

/** Query of `GET /api/v1/alarm/history`. */
export const HistoryQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) },
  { additionalProperties: false },
);
