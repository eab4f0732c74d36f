import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from '../../base/logger';
import { RequestError, type RequestErrorKind } from '../../base/requestError';

/** The JSON body of every error the API returns. `field` names the offending input, when there is one. */
interface ErrorBody {
  error: string;
  field: string | null;
}

/** The HTTP status of each kind of request error. */
const REQUEST_ERROR_STATUS: Record<RequestErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unsupported_media_type: 415,
  too_many_requests: 429,
  unavailable: 503,
  storage_full: 507,
};

/**
 * Turns every failure into `{ error, field }`: a RequestError answers by its kind, schema violations name the field (as a dotted
 * path), unknown routes say which, internal errors are logged and not leaked.
 */
export function installErrorHandlers(app: FastifyInstance, logger: Logger): void {
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = { error: `no route for ${request.method} ${request.url}`, field: null };
    return reply.code(404).send(body);
  });

  app.setErrorHandler((err: FastifyError | RequestError, request, reply) => {
    if (err instanceof RequestError) {
      return reply.code(REQUEST_ERROR_STATUS[err.kind]).send(errorBody(err.message, err.field));
    }
    if ('validation' in err && err.validation) {
      const first = err.validation[0];
      const field = validationField(err.validationContext, first?.instancePath, first?.params);
      return reply.code(400).send(errorBody(`${field ?? 'body'}: ${first?.message ?? err.message}`, field));
    }
    const status = err.statusCode ?? 500;
    // Body parser failures (bad JSON, empty or oversized body, prototype pollution) are about the body.
    const aboutBody = typeof err.code === 'string' && err.code.startsWith('FST_ERR_CTP');
    if (status < 500) return reply.code(status).send(errorBody(err.message, aboutBody ? 'body' : null));
    logger.error({ err, method: request.method, url: request.url }, 'request failed');
    return reply.code(status).send(errorBody('internal error — see the device log for details', null));
  });
}

function errorBody(error: string, field: string | null): ErrorBody {
  return { error, field };
}

/** `/camera/fps` in the body → `camera.fps`; a missing property is reported by its own name. */
function validationField(
  context: string | undefined,
  instancePath: string | undefined,
  params: Record<string, unknown> | undefined,
): string | null {
  const parts = (instancePath ?? '').split('/').filter(Boolean);
  const missing = params?.missingProperty ?? params?.additionalProperty;
  if (typeof missing === 'string') parts.push(missing);
  if (parts.length === 0) return context ?? null;
  return parts.join('.');
}
