/**
 * The shapes of the API answers the page reads: the server's own types, imported (types only, so
 * nothing of the server is bundled) and checked by the page's typecheck, so a change on one side
 * that the other does not follow fails `npm run typecheck`.
 */
export type { AlarmState as Alarm, GpioStatus as Gpio } from '../runtime/alarm/alarmService';
export type { OutputState } from '../runtime/alarm/outputController';
export type { EventView } from '../runtime/events/eventTable';
export type { EventPage } from '../runtime/events/queries/eventQueries';
export type { IncidentPage } from '../runtime/events/queries/incidentQueries';
export type { IncidentView } from '../runtime/events/queries/views';
export type {
  EnrollView as EnrollResult,
  PersonView as Person,
  UnknownFaceView as UnknownFace,
} from '../runtime/faces/api/faceRoutes';
export type { ServiceStatus } from '../runtime/lifecycle/serviceRunner';
export type { LoggedProblem as RecentError } from '../runtime/logging/recentProblems';
export type { MqttHealth } from '../runtime/mqtt/mqttService';
export type { CameraView } from '../runtime/pipeline/api/cameraRoutes';
export type { SessionView as Session } from '../runtime/web/auth/sessionView';
export type {
  EventMessage,
  HelloMessage,
  StateMessage,
} from '../runtime/web/liveStream/streamMessages';
export type { FullHealth, HealthResponse as Health } from '../runtime/web/routes/healthRoutes';
export type { StatsResponse as Stats } from '../runtime/web/routes/statsResponse';
