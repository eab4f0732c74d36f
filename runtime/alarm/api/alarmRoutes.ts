import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AlarmService } from '../alarmService';
import { HistoryQuery, ModeBody } from './alarmSchemas';

/**
 * `GET /api/v1/alarm` (mode, modes, last change, schedules with their next run),
 * `PUT /api/v1/alarm` `{ mode }` (durable before the answer; an unknown mode is a 400 naming
 * `mode`), `GET /api/v1/alarm/history` (output and mode changes, newest first).
 */
export function registerAlarmRoutes(app: FastifyInstance, alarm: AlarmService): void {
  app.get(
    '/api/v1/alarm',
    { schema: { summary: 'The alarm mode and state', operationId: 'getAlarm' } },
    async () => alarm.alarm(),
  );

  app.put<{ Body: Static<typeof ModeBody> }>(
    '/api/v1/alarm',
    { schema: { summary: 'Arm or disarm the alarm', operationId: 'setAlarmMode', body: ModeBody } },
    async (request) =>
      alarm.setMode(request.body.mode, { actor: 'api', reason: request.body.reason ?? 'manual' }),
  );

  app.get<{ Querystring: Static<typeof HistoryQuery> }>(
    '/api/v1/alarm/history',
    {
      schema: {
        summary: 'Output and mode changes, newest first (who and why)',
        operationId: 'listAlarmHistory',
        querystring: HistoryQuery,
      },
    },
    async (request) => ({ history: alarm.history(request.query.limit ?? 100) }),
  );
}
