import { EVENT_TYPES, SEVERITIES } from '../../../../runtime/domain/eventModel';

/**
 * A seeded corpus of bad bodies for `POST /api/v1/events`. Each case starts from a random valid
 * event and breaks one thing, so the field the server must name is known.
 */

/** mulberry32: a tiny seeded PRNG, so a failing corpus can be replayed from its seed. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  word(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }
}

export interface FuzzCase {
  kind: string;
  /** Short description for failure messages. */
  what: string;
  /** The exact bytes sent, as `application/json`. */
  body: Buffer;
  /** The status the server must answer. */
  status: 400 | 413;
  /** For a 400: the field it must name (exactly, or matching); undefined = any non-empty name. */
  field?: string | RegExp;
  /** A phrase the error message must contain. */
  errorIncludes?: string;
  /** Whether the body reaches event validation (parsed JSON within the limit), so it is counted as rejected. */
  counted: boolean;
}

export const KNOWN_FIELDS = [
  'id',
  'type',
  'timestamp',
  'source',
  'camera',
  'zones',
  'label',
  'object_id',
  'confidence',
  'box',
  'data',
  'correlation_id',
  'parent_id',
  'severity',
] as const;

type Event = Record<string, unknown>;

const DAY = 86_400_000;

/** A random event the schema accepts (every optional field present or not). */
export function validEvent(r: Rng, now = Date.now()): Event {
  const e: Event = { type: r.pick(EVENT_TYPES) };
  if (r.chance(0.5)) e.id = `fz-${r.word(10)}`;
  if (r.chance(0.4)) {
    const at = now - r.int(0, DAY);
    e.timestamp = r.chance(0.5) ? at : new Date(at).toISOString();
  }
  if (r.chance(0.5)) e.source = r.pick(['pipeline', 'gpio:pir', 'api', 'nvr-2']);
  if (r.chance(0.6)) e.camera = r.pick(['front', 'back_yard', 'garage-1', 'cam.2']);
  if (r.chance(0.5)) e.zones = ['porch', 'drive', 'yard', 'gate'].slice(r.int(0, 2), r.int(3, 4));
  if (r.chance(0.6)) e.label = r.pick(['person', 'car', 'pir', 'door', 'face']);
  if (r.chance(0.4)) e.object_id = `trk-${r.int(1, 9999)}`;
  if (r.chance(0.6)) e.confidence = Math.round(r.next() * 1000) / 1000;
  if (r.chance(0.5)) {
    const x1 = Math.round(r.next() * 50) / 100;
    const y1 = Math.round(r.next() * 50) / 100;
    e.box = [x1, y1, x1 + 0.1 + Math.round(r.next() * 30) / 100, y1 + 0.1 + Math.round(r.next() * 30) / 100];
  }
  if (r.chance(0.5)) e.data = { note: r.word(12), n: r.int(0, 100), nested: { ok: true, list: [1, 2] } };
  if (r.chance(0.3)) e.correlation_id = `corr-${r.word(8)}`;
  if (r.chance(0.2)) e.parent_id = `fz-${r.word(10)}`;
  if (r.chance(0.3)) e.severity = r.pick(SEVERITIES);
  return e;
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

/** A value of every JSON kind but the one the field takes. */
const WRONG_TYPES: Record<(typeof KNOWN_FIELDS)[number], unknown[]> = {
  id: [42, true, null, ['evt-1'], { id: 'evt-1' }],
  type: [7, false, null, ['motion'], { motion: true }],
  timestamp: [true, null, [1_700_000_000_000], { ms: 1 }, 1.5],
  source: [1, true, null, ['api'], {}],
  camera: [3, false, null, ['front'], { name: 'front' }],
  zones: ['porch', 3, true, null, { porch: true }],
  label: [0, true, null, ['person'], { label: 'person' }],
  object_id: [17, false, null, ['t1'], {}],
  confidence: ['0.5', true, null, [0.5], { value: 0.5 }],
  box: ['0,0,1,1', 1, true, null, { x1: 0, y1: 0, x2: 1, y2: 1 }],
  data: ['x', 1, true, null, [1, 2]],
  correlation_id: [5, true, null, ['c'], {}],
  parent_id: [9, true, null, ['p'], {}],
  severity: [3, true, null, ['high'], { level: 'high' }],
};

const BAD_NAMES = ['', ' ', '-lead', '_lead', '.dot', 'a b', 'ä-zone', 'a/b', '../etc', 'x;y', 'tab\there'];

/** Nests `depth` containers (objects and arrays) with the outermost an object. */
function nested(r: Rng, depth: number): Event {
  let value: unknown = 'leaf';
  for (let level = depth - 1; level >= 1; level--) value = r.chance(0.3) ? [value] : { [`l${level}`]: value };
  return { l0: value };
}

/** Invalid UTF-8 sequences: stray continuation, overlong, encoded surrogate, beyond U+10FFFF, truncated. */
const BAD_UTF8: number[][] = [
  [0xc3, 0x28],
  [0xa0, 0xa1],
  [0xe2, 0x28, 0xa1],
  [0xe2, 0x82, 0x28],
  [0xf0, 0x28, 0x8c, 0xbc],
  [0xf0, 0x90, 0x28, 0xbc],
  [0xff],
  [0xfe, 0xfe],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
];

const UNPARSEABLE_TIMESTAMPS = [
  'not a timestamp at all',
  'yesterday at noon!',
  '2024-01-01 00:00:00 XYZ',
  '2024-06-01Tnoon',
  '1999-99-99',
  '2024-01-01T00:00:00.000+0a:00',
  '2024-01-01T00:00:00+24:00',
];

/** Builds the corpus for `seed`; `limitBytes` is the server's body limit. */
export function buildCorpus(seed: number, limitBytes: number): FuzzCase[] {
  const r = new Rng(seed);
  const cases: FuzzCase[] = [];
  const add = (c: FuzzCase) => cases.push(c);
  const broken = (mutate: (e: Event) => void): Buffer => {
    const e = validEvent(r);
    mutate(e);
    return json(e);
  };

  // Every known field with a value of each wrong JSON type.
  for (const field of KNOWN_FIELDS) {
    for (const value of WRONG_TYPES[field]) {
      add({
        kind: 'wrong type',
        what: `${field} = ${JSON.stringify(value)}`,
        body: broken((e) => {
          e[field] = value;
        }),
        status: 400,
        field,
        counted: true,
      });
    }
  }

  // Unknown fields.
  const known = new Set<string>(KNOWN_FIELDS);
  const unknownNames = ['Type', 'ID', 'tags', 'state', 'incident_id', 'received_at', 'timestamp ', 'boxes'];
  for (let i = 0; i < 24; i++) {
    let name = i < unknownNames.length ? (unknownNames[i] as string) : r.word(r.int(1, 20), 'abcdefgxyz_');
    if (known.has(name)) name = `${name}_x`;
    const value = r.pick<unknown>([1, 'x', null, true, [], { a: 1 }]);
    add({
      kind: 'unknown field',
      what: `${JSON.stringify(name)}: ${JSON.stringify(value)}`,
      body: broken((e) => {
        e[name] = value;
      }),
      status: 400,
      field: name,
      errorIncludes: 'not a known event field',
      counted: true,
    });
  }

  // Unknown fields that share a name with an Object.prototype member.
  for (const name of ['toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'constructor']) {
    add({
      kind: 'unknown field named like an Object.prototype member',
      what: `${name}: 1`,
      body: broken((e) => {
        e[name] = 1;
      }),
      status: 400,
      field: name,
      errorIncludes: 'not a known event field',
      counted: true,
    });
  }

  // `type` outside the enum, or missing.
  const badTypes = [
    'Motion',
    'MOTION',
    ' motion',
    'motion ',
    'person',
    'alarm',
    '',
    'object-detected',
    'face',
  ];
  for (let i = 0; i < 16; i++) {
    const value = i < badTypes.length ? badTypes[i] : r.word(r.int(1, 30));
    add({
      kind: 'type not in the enum',
      what: `type = ${JSON.stringify(value)}`,
      body: broken((e) => {
        e.type = value;
      }),
      status: 400,
      field: 'type',
      counted: true,
    });
  }
  add({
    kind: 'type not in the enum',
    what: 'type missing',
    body: broken((e) => {
      delete e.type;
    }),
    status: 400,
    field: 'type',
    counted: true,
  });

  // Out-of-range confidence.
  for (const value of [-0.01, -1, 1.0001, 2, 100, 1e308, -1e308, 1.5]) {
    add({
      kind: 'confidence out of range',
      what: `confidence = ${value}`,
      body: broken((e) => {
        e.confidence = value;
      }),
      status: 400,
      field: 'confidence',
      counted: true,
    });
  }

  // Boxes: out of range, wrong length, inverted.
  for (let i = 0; i < 12; i++) {
    const box = [0.1, 0.1, 0.6, 0.6];
    const at = r.int(0, 3);
    box[at] = r.pick([-0.1, 1.01, 5, -1e9]);
    add({
      kind: 'box',
      what: `box = ${JSON.stringify(box)}`,
      body: broken((e) => {
        e.box = box;
      }),
      status: 400,
      field: new RegExp(`^box(\\.${at})?$`),
      counted: true,
    });
  }
  for (const box of [[], [0.1], [0.1, 0.1, 0.5], [0.1, 0.1, 0.5, 0.5, 0.9]]) {
    add({
      kind: 'box',
      what: `box = ${JSON.stringify(box)}`,
      body: broken((e) => {
        e.box = box;
      }),
      status: 400,
      field: 'box',
      counted: true,
    });
  }
  for (let i = 0; i < 10; i++) {
    const x1 = 0.3 + r.int(0, 40) / 100;
    const y1 = 0.3 + r.int(0, 40) / 100;
    const box =
      i % 3 === 0
        ? [x1, y1, x1 - 0.2, y1 + 0.1]
        : i % 3 === 1
          ? [x1, y1, x1 + 0.1, y1 - 0.2]
          : [x1, y1, x1, y1 + 0.1];
    add({
      kind: 'box',
      what: `box = ${JSON.stringify(box)} (x2 <= x1 or y2 <= y1)`,
      body: broken((e) => {
        e.box = box;
      }),
      status: 400,
      field: 'box',
      counted: true,
    });
  }

  // Zones: bad names, too many, repeated.
  for (const name of [...BAD_NAMES, 'z'.repeat(65)]) {
    add({
      kind: 'zones',
      what: `zones = [..., ${JSON.stringify(name)}]`,
      body: broken((e) => {
        e.zones = ['porch', name];
      }),
      status: 400,
      field: 'zones.1',
      counted: true,
    });
  }
  for (let i = 0; i < 5; i++) {
    const count = r.int(33, 200);
    add({
      kind: 'zones',
      what: `${count} zones`,
      body: broken((e) => {
        e.zones = Array.from({ length: count }, (_, z) => `zone${z}`);
      }),
      status: 400,
      field: 'zones',
      counted: true,
    });
  }
  add({
    kind: 'zones',
    what: 'a zone twice',
    body: broken((e) => {
      e.zones = ['porch', 'yard', 'porch'];
    }),
    status: 400,
    field: 'zones',
    counted: true,
  });

  // Names, ids and free strings that break their pattern or length.
  const bounded: Array<[string, number]> = [
    ['id', 128],
    ['camera', 64],
    ['source', 64],
    ['label', 64],
    ['object_id', 128],
    ['correlation_id', 128],
    ['parent_id', 128],
  ];
  for (const [field, max] of bounded) {
    for (const value of ['', 'a'.repeat(max + r.int(1, 200))]) {
      add({
        kind: 'string length or pattern',
        what: `${field} of ${value.length} characters`,
        body: broken((e) => {
          e[field] = value;
        }),
        status: 400,
        field,
        counted: true,
      });
    }
  }
  for (const field of ['id', 'camera']) {
    for (const name of BAD_NAMES.slice(1)) {
      add({
        kind: 'string length or pattern',
        what: `${field} = ${JSON.stringify(name)}`,
        body: broken((e) => {
          e[field] = name;
        }),
        status: 400,
        field,
        counted: true,
      });
    }
  }

  // Timestamps: unparseable, too short/long, negative, far in the future.
  const nowMs = Date.now();
  const isoLike = () =>
    r.pick([
      () => `2024-${r.int(13, 99)}-01T00:00:00Z`,
      () => `2024-00-${String(r.int(1, 28)).padStart(2, '0')}T00:00:00Z`,
      () => `2024-01-${r.int(32, 99)}T00:00:00Z`,
      () => `2024-01-01T${r.int(25, 99)}:00:00Z`,
      () => `2024-01-01T00:${r.int(60, 99)}:00Z`,
      () => `2024-01-01T00:00:${r.int(61, 99)}Z`,
      () => `2024-01-01T00:00:00Z${r.word(3, 'qwxz')}`,
    ])();
  for (let i = 0; i < 14; i++) {
    const value = i < UNPARSEABLE_TIMESTAMPS.length ? (UNPARSEABLE_TIMESTAMPS[i] as string) : isoLike();
    add({
      kind: 'timestamp',
      what: `timestamp = ${JSON.stringify(value)}`,
      body: broken((e) => {
        e.timestamp = value;
      }),
      status: 400,
      field: 'timestamp',
      counted: true,
    });
  }
  for (const value of [
    '2024',
    'yesterday',
    '',
    `${new Date(nowMs).toISOString()}${'0'.repeat(20)}`,
    -1,
    -nowMs,
  ]) {
    add({
      kind: 'timestamp',
      what: `timestamp = ${JSON.stringify(value)}`,
      body: broken((e) => {
        e.timestamp = value;
      }),
      status: 400,
      field: 'timestamp',
      counted: true,
    });
  }
  for (let i = 0; i < 10; i++) {
    const ms = nowMs + 2 * DAY + r.int(0, 100 * 365) * DAY;
    const value = i % 2 === 0 ? ms : new Date(ms).toISOString();
    add({
      kind: 'timestamp',
      what: `timestamp ${Math.round((ms - nowMs) / DAY)} days ahead (${typeof value})`,
      body: broken((e) => {
        e.timestamp = value;
      }),
      status: 400,
      field: 'timestamp',
      counted: true,
    });
  }
  add({
    kind: 'timestamp',
    what: 'timestamp = 1e20',
    body: Buffer.from('{"type":"motion","timestamp":1e20}'),
    status: 400,
    field: 'timestamp',
    counted: true,
  });

  // `data`: too deep, too big (bytes, not characters), too many keys, not an object.
  for (let i = 0; i < 10; i++) {
    const depth = i === 0 ? 9 : r.int(10, 60);
    add({
      kind: 'data',
      what: `data nested ${depth} levels`,
      body: broken((e) => {
        e.data = nested(r, depth);
      }),
      status: 400,
      field: 'data',
      counted: true,
    });
  }
  for (let i = 0; i < 8; i++) {
    const multibyte = i % 2 === 1;
    const chars = multibyte ? r.int(8300, 20_000) : r.int(16_400, 200_000);
    add({
      kind: 'data',
      what: `data of ${chars} ${multibyte ? 'two-byte ' : ''}characters`,
      body: broken((e) => {
        e.data = { blob: (multibyte ? 'é' : 'x').repeat(chars) };
      }),
      status: 400,
      field: 'data',
      counted: true,
    });
  }
  for (let i = 0; i < 3; i++) {
    const keys = r.int(65, 300);
    add({
      kind: 'data',
      what: `data with ${keys} keys`,
      body: broken((e) => {
        e.data = Object.fromEntries(Array.from({ length: keys }, (_, k) => [`k${k}`, k]));
      }),
      status: 400,
      field: 'data',
      counted: true,
    });
  }

  // Bad severity.
  for (const value of ['extreme', 'HIGH', 'warn', '', 'critical!']) {
    add({
      kind: 'severity',
      what: `severity = ${JSON.stringify(value)}`,
      body: broken((e) => {
        e.severity = value;
      }),
      status: 400,
      field: 'severity',
      counted: true,
    });
  }

  // Something other than one event object as the whole body.
  for (const value of [
    [],
    [validEvent(r)],
    [validEvent(r), validEvent(r)],
    'motion',
    '',
    42,
    -1.5,
    0,
    null,
    true,
  ]) {
    add({
      kind: 'not an object',
      what: `body = ${JSON.stringify(value).slice(0, 40)}`,
      body: json(value),
      status: 400,
      field: 'body',
      counted: true,
    });
  }

  // Invalid JSON.
  for (let i = 0; i < 20; i++) {
    const text = JSON.stringify({ ...validEvent(r), type: 'motion' });
    const variants = [
      () => text.slice(0, r.int(1, text.length - 1)),
      () => `${text.slice(0, -1)},}`,
      () => text.replace(/"/g, "'"),
      () => text.replace(/"(\w+)":/g, '$1:'),
      () => `${text.slice(0, -1)},"confidence":NaN}`,
      () => `/* comment */${text}`,
      () => `${text}${r.word(3, 'xyz}')}`,
      () => `${text}${text}`,
      () => `${text.slice(0, -1)},"label":"a\u0001b"}`,
      () => '',
      () => '   ',
      () => '{"type":"motion",}',
      () => '{"type":"motion" "label":"x"}',
      () => '{"type":\u0000"motion"}',
    ];
    const body = i < variants.length ? (variants[i] as () => string)() : r.pick(variants.slice(0, 9))();
    add({
      kind: 'invalid JSON',
      what: `body = ${JSON.stringify(body.slice(0, 60))}`,
      body: Buffer.from(body, 'utf8'),
      status: 400,
      counted: false,
    });
  }

  // Invalid UTF-8 inside a string (label, a key, a data value).
  for (let i = 0; i < 16; i++) {
    const seq = BAD_UTF8[i % BAD_UTF8.length] as number[];
    const where = r.pick(['label', 'key', 'data']);
    const e = { ...validEvent(r), type: 'sensor' } as Event;
    if (where === 'label') e.label = 'a@@b';
    else if (where === 'key') e.data = { 'k@@': 1 };
    else e.data = { note: 'x@@y' };
    const [head, tail] = JSON.stringify(e).split('@@') as [string, string];
    add({
      kind: 'invalid UTF-8',
      what: `bytes ${seq.map((b) => b.toString(16)).join(' ')} in the ${where}`,
      body: Buffer.concat([Buffer.from(head), Buffer.from(seq), Buffer.from(tail)]),
      status: 400,
      field: 'body',
      counted: false,
    });
  }

  // Prototype pollution attempts.
  const pollution = [
    '{"type":"motion","__proto__":{"polluted":"yes"}}',
    '{"__proto__":{"type":"motion"},"label":"x"}',
    '{"type":"motion","constructor":{"prototype":{"polluted":"yes"}}}',
    '{"type":"motion","data":{"__proto__":{"polluted":"yes"}}}',
    '{"type":"motion","data":{"a":{"b":{"__proto__":{"isAdmin":true}}}}}',
    '{"type":"motion","data":{"constructor":{"prototype":{"polluted":"yes"}}}}',
    '{"type":"motion","\\u005f_proto__":{"polluted":"yes"}}',
    '{"type":"motion","data":{"list":[{"__proto__":{"polluted":"yes"}}]}}',
    '[{"__proto__":{"polluted":"yes"}}]',
  ];
  for (const text of pollution) {
    add({
      kind: 'prototype pollution',
      what: text,
      body: Buffer.from(text),
      status: 400,
      counted: false,
    });
  }

  // Bodies over http.body_limit_kb.
  for (let i = 0; i < 6; i++) {
    const size = i === 0 ? limitBytes + 1 : r.int(limitBytes + 2, limitBytes * 4);
    const head = '{"type":"motion","data":{"blob":"';
    const tail = '"}}';
    const text = `${head}${'x'.repeat(size - head.length - tail.length)}${tail}`;
    add({
      kind: 'over the body limit',
      what: `${text.length} bytes`,
      body: Buffer.from(text),
      status: 413,
      counted: false,
    });
  }

  return cases;
}
