import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { fieldPath } from '../../../base/fieldPath';
import { ModeBody } from '../../alarm/api/alarmSchemas';
import { CommandError } from '../../alarm/commandError';
import { PANEL_ACTIONS } from './alarmPanel';
import type { SignedCommand } from './commandAuth';

/** `.../detect/set`, `.../motion/set`: Frigate's and Home Assistant's switch payloads. */
const SwitchCommand = Type.Union([Type.Literal('ON'), Type.Literal('OFF')], {
  description: 'ON or OFF.',
});

/**
 * `<prefix>/<id>/siren/set`: what Home Assistant's MQTT siren sends without a command template,
 * `{"state": "ON", "duration": 30}` or `{"state": "OFF"}` (tone and volume_level are accepted and
 * ignored: a GPIO siren has neither). Plain `ON` / `OFF` is taken as `{"state": ...}`.
 */
const SirenCommand = Type.Object(
  {
    state: SwitchCommand,
    duration: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 86_400,
        description: "ON: seconds to sound (never past the output's max_on; default max_on).",
      }),
    ),
    tone: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Integer()])),
    volume_level: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);

/** `<prefix>/<id>/alarm/set`: `{"mode": "away", "reason"?: "..."}` as the HTTP API's body; plain text is the mode. */
const AlarmCommand = ModeBody;

/**
 * `<prefix>/<id>/alarm/set` from Home Assistant's alarm panel: its action and the code the user
 * typed (`command_template: {"action": "{{ action }}", "code": "{{ code }}"}`).
 */
const AlarmPanelCommand = Type.Object(
  {
    action: Type.Union(PANEL_ACTIONS.map((action) => Type.Literal(action))),
    code: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

/** A signed command (see commandAuth.ts): any command's payload, wrapped. */
const SignedCommandSchema = Type.Object(
  {
    ts: Type.Integer({ minimum: 0 }),
    nonce: Type.String({ minLength: 8, maxLength: 64 }),
    payload: Type.String({ maxLength: 2048 }),
    sig: Type.String({ minLength: 43, maxLength: 43 }),
  },
  { additionalProperties: false },
);

export type SwitchCommandValue = Static<typeof SwitchCommand>;
export type SirenCommandValue = Static<typeof SirenCommand>;
export type AlarmCommandValue = Static<typeof AlarmCommand>;

/** The largest command payload read; anything longer is refused unread. */
export const MAX_COMMAND_BYTES = 4096;

/** Fields with a closed set of values get the list instead of TypeBox's "expected union value". */
const CLOSED_SETS: Record<string, string> = {
  payload: 'must be ON or OFF',
  state: 'must be ON or OFF',
  action: `must be one of ${PANEL_ACTIONS.join(', ')}`,
};

const switchCheck = TypeCompiler.Compile(SwitchCommand);
const panelCheck = TypeCompiler.Compile(AlarmPanelCommand);
const signedCheck = TypeCompiler.Compile(SignedCommandSchema);
const sirenCheck = TypeCompiler.Compile(SirenCommand);
const alarmCheck = TypeCompiler.Compile(AlarmCommand);

/** `ON` / `OFF`; throws a CommandError naming `payload` for anything else. */
export function parseSwitch(payload: Buffer): SwitchCommandValue {
  return checked(switchCheck, textOf(payload).trim(), 'payload');
}

/** Home Assistant's siren JSON, or plain `ON` / `OFF`; throws a CommandError naming the bad field. */
export function parseSiren(payload: Buffer): SirenCommandValue {
  const text = textOf(payload).trim();
  const value = text.startsWith('{') ? jsonOf(text) : { state: text };
  return checked(sirenCheck, value, 'payload');
}

/** A mode name as plain text, or `{"mode": ..., "reason"?: ...}`; throws a CommandError naming the bad field. */
export function parseAlarm(payload: Buffer): AlarmCommandValue {
  const text = textOf(payload).trim();
  const value = text.startsWith('{') ? jsonOf(text) : { mode: text };
  return checked(alarmCheck, value, 'payload');
}

/** How a command payload presents itself: signed, from HA's alarm panel, or plain. */
export type CommandPayload =
  | { kind: 'signed'; signed: SignedCommand }
  | { kind: 'panel'; panel: Static<typeof AlarmPanelCommand> }
  | { kind: 'plain'; text: string };

/**
 * Tells a signed command (`{"ts", "nonce", "payload", "sig"}`) and HA's alarm panel command
 * (`{"action", "code"}`) from a plain payload, checking each against its schema. A JSON object
 * with a `sig` or an `action` is judged as one of those, never passed on as plain.
 */
export function classifyCommand(payload: Buffer): CommandPayload {
  const text = textOf(payload).trim();
  if (!text.startsWith('{')) return { kind: 'plain', text };
  const value = jsonOf(text);
  if (typeof value === 'object' && value !== null && 'sig' in value)
    return { kind: 'signed', signed: checked(signedCheck, value, 'payload') };
  if (typeof value === 'object' && value !== null && 'action' in value)
    return { kind: 'panel', panel: checked(panelCheck, value, 'payload') };
  return { kind: 'plain', text };
}

function textOf(payload: Buffer): string {
  if (payload.length > MAX_COMMAND_BYTES) {
    throw new CommandError(
      'invalid',
      `payload: is ${payload.length} bytes; commands are at most ${MAX_COMMAND_BYTES}`,
      'payload',
    );
  }
  return payload.toString('utf8');
}

function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CommandError('invalid', `payload: is not valid JSON (${(err as Error).message})`, 'payload');
  }
}

/** `value` as the schema's type, or a CommandError naming the first bad field (`root` when the value itself is wrong). */
function checked<T extends TSchema>(
  check: ReturnType<typeof TypeCompiler.Compile<T>>,
  value: unknown,
  root: string,
): Static<T> {
  if (check.Check(value)) return value;
  const first = check.Errors(value).First();
  const field = fieldPath(first?.path, root);
  const closed = Object.hasOwn(CLOSED_SETS, field) ? CLOSED_SETS[field] : undefined;
  const message = closed
    ? `${closed} (got ${shown(first?.value)})`
    : describe(first?.message ?? 'is not valid', first?.value);
  throw new CommandError('invalid', `${field}: ${message}`, field);
}

function describe(message: string, value: unknown): string {
  if (message.startsWith('Unexpected property')) return 'is not a known field';
  if (message.startsWith('Expected required property')) return 'is required';
  return `${message.charAt(0).toLowerCase()}${message.slice(1)} (got ${shown(value)})`;
}

function shown(value: unknown): string {
  return typeof value === 'string'
    ? `'${value.slice(0, 40)}'`
    : (JSON.stringify(value)?.slice(0, 40) ?? 'nothing');
}
