/** The parts of the generated OpenAPI 3.1 document this module completes. */
export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, unknown>; responses?: Record<string, unknown> } & Record<
    string,
    unknown
  >;
  [key: string]: unknown;
}

/** One operation: what the route declared (summary, operationId, security) and what was derived. */
interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  /** `[]` on the routes anyone may call; absent where the document's login requirement holds. */
  security?: unknown[];
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: unknown;
  responses?: Record<string, unknown>;
}

/** The body of every error the API answers (runtime/web/httpErrors.ts), as a schema. */
const ERROR_SCHEMA = {
  type: 'object',
  description: 'What went wrong and what to do next; `field` names the input at fault, when one is.',
  required: ['error', 'field'],
  additionalProperties: false,
  properties: {
    error: { type: 'string', description: 'What went wrong, and what to do about it.' },
    field: {
      type: ['string', 'null'],
      description: 'The offending input as a dotted path (`motion.threshold`), or null.',
    },
  },
};

/** The 4xx answers routes share, each when it applies (see `errorStatuses`). */
const ERROR_RESPONSES: Record<string, { name: string; description: string }> = {
  '400': { name: 'BadRequest', description: 'A parameter or the body is invalid; `field` names it.' },
  '401': {
    name: 'Unauthorized',
    description:
      'Not logged in: log in on the status page, or send `Authorization: Bearer <http.auth.token>`.',
  },
  '403': {
    name: 'Forbidden',
    description: 'A change sent with the session cookie from another site: send it from the status page.',
  },
  '404': { name: 'NotFound', description: 'Nothing by that name or id.' },
  '409': {
    name: 'Conflict',
    description:
      'Not possible in the current state; the message says which setting or state stands in the way.',
  },
  '413': {
    name: 'PayloadTooLarge',
    description:
      'The body is larger than the route takes (`http.body_limit_kb`, unless the route says otherwise).',
  },
  '415': {
    name: 'UnsupportedMediaType',
    description: 'A body (or an image in it) of a type the route does not read.',
  },
  '429': {
    name: 'TooManyRequests',
    description: 'Too many attempts: wait for the `Retry-After` seconds, then try again.',
  },
};

/** Methods whose requests carry a body fastify reads (and may refuse by size or type). */
const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete']);

/**
 * Statuses a route answers beyond what its shape tells (see `errorStatuses`), by operationId: the
 * login's own refusals and limits, and the 409s of a state that stands in the way (the thrower
 * named beside each). A route's own `response` entries always win.
 */
const EXTRA_STATUSES: Record<string, readonly string[]> = {
  logIn: ['401', '409', '429'], // wrong password, login off, limits (authRoutes.ts)
  tuneCamera: ['409'], // camera not running (cameraRoutes.ts)
  setAlarmMode: ['409'], // alarm not running (alarmService.ts)
  setGpioOutput: ['409'], // output could not be opened (alarmService.ts)
  acknowledgeIncident: ['409'], // already resolved (incidentActions.ts)
  retryDeadLetter: ['409'], // already resolved (redelivery.ts)
  enrollPerson: ['409'], // on the other list (faceGallery.ts)
  enrollUnknownFace: ['409'], // on the other list (faceGallery.ts)
};

/**
 * Adds the shared error responses to every operation, each where it can happen: 400 where there
 * is input to validate, 401 where a login is needed, 403 for changes (a cross-site cookie), 404
 * for a path naming something, 413 and 415 where a body is read. A `$ref` to one shared response
 * each, with the RequestError body as its schema.
 */
export function completeOperations(document: OpenApiDocument): OpenApiDocument {
  const used = new Set<string>();
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      operation.responses ??= {};
      for (const status of errorStatuses(path, method, operation)) {
        const shared = ERROR_RESPONSES[status];
        if (!shared || operation.responses[status] !== undefined) continue;
        operation.responses[status] = { $ref: `#/components/responses/${shared.name}` };
        used.add(status);
      }
    }
  }
  const responses: Record<string, unknown> = {};
  for (const status of [...used].sort()) {
    const shared = ERROR_RESPONSES[status];
    if (!shared) continue;
    responses[shared.name] = {
      description: shared.description,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/RequestError' } } },
    };
  }
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, RequestError: ERROR_SCHEMA },
    responses: { ...document.components?.responses, ...responses },
    securitySchemes: usedSecuritySchemes(document),
  };
  return document;
}

/**
 * The security schemes the document or one of its operations names: the central server serves no
 * route with HTTP Basic (the appliance's MJPEG stream does), and an unused scheme is a lint error.
 */
function usedSecuritySchemes(document: OpenApiDocument): Record<string, unknown> {
  const schemes = (document.components?.securitySchemes ?? {}) as Record<string, unknown>;
  const named = new Set<string>();
  const collect = (requirements: unknown) => {
    if (!Array.isArray(requirements)) return;
    for (const requirement of requirements)
      for (const name of Object.keys(requirement ?? {})) named.add(name);
  };
  collect(document.security);
  for (const operations of Object.values(document.paths))
    for (const operation of Object.values(operations)) collect(operation.security);
  return Object.fromEntries(Object.entries(schemes).filter(([name]) => named.has(name)));
}

function errorStatuses(path: string, method: string, operation: OpenApiOperation): string[] {
  const statuses: string[] = [];
  const needsLogin = operation.security === undefined || operation.security.length > 0;
  const readsBody = BODY_METHODS.has(method);
  if ((operation.parameters?.length ?? 0) > 0 || operation.requestBody !== undefined) statuses.push('400');
  if (needsLogin) statuses.push('401');
  if (needsLogin && method !== 'get' && method !== 'head') statuses.push('403');
  if (path.includes('{')) statuses.push('404');
  if (readsBody) statuses.push('413', '415');
  statuses.push(...(EXTRA_STATUSES[operation.operationId ?? ''] ?? []));
  return statuses;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * TypeBox writes a tuple the draft-07 way (`items: [a, b]`, `additionalItems: false`), which
 * Ajv validates with but OpenAPI 3.1 (JSON Schema 2020-12) does not allow: there it is
 * `prefixItems: [a, b]` with `items: false`. Rewritten in the document only, so validation
 * stays exactly as it is.
 */
export function tuplesAsPrefixItems<T>(document: T): T {
  rewriteTuples(document as Json);
  return document;
}

function rewriteTuples(node: Json): void {
  if (Array.isArray(node)) {
    for (const child of node) rewriteTuples(child);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const child of Object.values(node)) rewriteTuples(child);
  if (!Array.isArray(node.items)) return;
  node.prefixItems = node.items;
  const rest = node.additionalItems;
  // Without additionalItems, draft-07 allows anything after the tuple; 2020-12 says so by omission.
  if (rest === undefined || rest === true) delete node.items;
  else node.items = rest;
  delete node.additionalItems;
}
