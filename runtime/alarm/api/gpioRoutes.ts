import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AlarmService } from '../alarmService';
import { OutputCommandBody, OutputParams } from './alarmSchemas';

/**
 * `GET /api/v1/gpio`: every output and input with its state. `POST /api/v1/gpio/:name`
 * `{ action: on|off|silence, duration_seconds? }` drives an output, never past its max_on;
 * an unknown output is a 404, an input or a bad duration a 400, each naming the field.
 */
export function registerGpioRoutes(app: FastifyInstance, alarm: AlarmService): void {
  app.get(
    '/api/v1/gpio',
    { schema: { summary: 'The GPIO inputs and outputs with their states', operationId: 'listGpio' } },
    async () => alarm.gpio(),
  );

  app.post<{ Params: Static<typeof OutputParams>; Body: Static<typeof OutputCommandBody> }>(
    '/api/v1/gpio/:name',
    {
      schema: {
        summary: 'Switch a GPIO output (siren, relay)',
        operationId: 'setGpioOutput',
        params: OutputParams,
        body: OutputCommandBody,
      },
    },
    async (request) => {
      const { action, duration_seconds, reason } = request.body;
      const cause = { actor: 'api', reason: reason ?? 'manual' };
      return { output: await alarm.drive(request.params.name, action, duration_seconds, cause) };
    },
  );
}
