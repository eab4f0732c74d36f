import type { IPublishPacket } from 'mqtt';
import { RequestError } from '../../../base/requestError';
import type { Cause } from '../../alarm/alarmJournal';
import { CommandError } from '../../alarm/commandError';
import type { MQTT_COMMANDS } from '../../config/schema/index';
import { sirenOutput } from '../homeassistant/sirenOutput';
import type { MqttContext, MqttFeature } from '../mqttContext';
import { type PanelAction, panelModes } from './alarmPanel';
import { AlarmCode, CommandSignatures } from './commandAuth';
import {
  type CommandPayload,
  classifyCommand,
  MAX_COMMAND_BYTES,
  parseAlarm,
  parseSiren,
  parseSwitch,
} from './commandSchemas';

/**
 * Payloads up to this size get a reply saying they are too long (commands are at most
 * MAX_COMMAND_BYTES); larger ones are dropped unread.
 */
const UNREAD_COMMAND_BYTES = 16 * MAX_COMMAND_BYTES;

/** A command whose sender proved it may give it, and how: the payload to carry out, or a panel action. */
interface AuthenticatedCommand {
  via: 'signed' | 'alarm panel' | 'unsigned';
  text: string;
  panel?: PanelAction;
}

/** What the commands use of the MQTT context. */
export type CommandsContext = Pick<
  MqttContext,
  'config' | 'connection' | 'topics' | 'pipeline' | 'alarm' | 'logger'
>;

/** A command, as `mqtt.commands.allow` names it. */
export type CommandName = (typeof MQTT_COMMANDS)[number];

/** The reply on `<prefix>/<id>/response` (and on an MQTT 5 request's response topic). */
export type CommandReply =
  | { topic: string; command: CommandName; ok: true; result: unknown }
  | { topic: string; command: CommandName; ok: false; error: string; field: string | null };

/**
 * Commands over MQTT: `<prefix>/<id>/<camera>/detect/set` and `.../motion/set` (`ON`/`OFF`, also
 * on Frigate's `<frigate prefix>/<camera>/...` topics when `mqtt.frigate_compat`),
 * `<prefix>/<id>/siren/set` (`{"state": "ON", "duration": 30}` or `ON`/`OFF`) and
 * `<prefix>/<id>/alarm/set` (a mode name, `{"mode": ...}`, or Home Assistant's alarm panel
 * `{"action": "ARM_AWAY", "code": ...}`). Nothing is obeyed on the broker's word alone: a command
 * is signed with `mqtt.commands.secret`, or comes from the alarm panel with `mqtt.commands.code`,
 * or is a camera switch listed in `mqtt.commands.unsigned` (commandAuth.ts). Each payload is
 * checked against its schema. Every command gets a reply on `<prefix>/<id>/response`, and on the
 * request's MQTT 5 response topic (with its correlation data) when that is under
 * `<prefix>/<id>/`: the result, or what was wrong and which field, in which case nothing changed.
 */
export class CommandsFeature implements MqttFeature {
  readonly #context: CommandsContext;
  readonly #signatures: CommandSignatures | undefined;
  readonly #code: AlarmCode | undefined;
  #counters = { accepted: 0, refused: 0 };

  constructor(context: CommandsContext) {
    this.#context = context;
    const { secret, code, replay_window_seconds, code_attempts_per_minute } = context.config.mqtt.commands;
    this.#signatures =
      secret === undefined ? undefined : new CommandSignatures(secret, replay_window_seconds);
    this.#code = code === undefined ? undefined : new AlarmCode(code, code_attempts_per_minute);
  }

  start(): void {
    const { connection, topics, config } = this.#context;
    const on = (filter: string, command: CommandName) =>
      connection.subscribe(
        filter,
        (topic, payload, packet) => this.#handle(command, topic, payload, packet),
        {
          maxBytes: UNREAD_COMMAND_BYTES,
        },
      );
    on(`${topics.base}/+/detect/set`, 'detect');
    on(`${topics.base}/+/motion/set`, 'motion');
    on(topics.device('siren', 'set'), 'siren');
    on(topics.device('alarm', 'set'), 'alarm');
    if (config.mqtt.frigate_compat) {
      on(`${config.mqtt.frigate_prefix}/+/detect/set`, 'detect');
      on(`${config.mqtt.frigate_prefix}/+/motion/set`, 'motion');
    }
  }

  health(): Record<string, unknown> {
    return { commands: { enabled: this.#context.config.mqtt.commands.enabled, ...this.#counters } };
  }

  async #handle(command: CommandName, topic: string, payload: Buffer, packet: IPublishPacket): Promise<void> {
    let reply: CommandReply;
    try {
      const result = await this.#run(command, topic, payload, packet);
      reply = { topic, command, ok: true, result };
      this.#counters.accepted += 1;
    } catch (err) {
      if (!(err instanceof RequestError)) {
        this.#context.logger.error({ err, topic, command }, 'MQTT command failed');
      }
      const error = err instanceof Error ? err.message : String(err);
      const field = err instanceof RequestError ? err.field : null;
      reply = { topic, command, ok: false, error, field };
      this.#counters.refused += 1;
      this.#context.logger.warn({ topic, command, error, field }, 'MQTT command refused; nothing changed');
    }
    await this.#reply(reply, packet);
  }

  async #run(command: CommandName, topic: string, payload: Buffer, packet: IPublishPacket): Promise<unknown> {
    const { config, logger } = this.#context;
    if (packet.retain) {
      // A retained command would run again on every reconnect (a siren at each network blip).
      throw new CommandError(
        'invalid',
        'retained commands are ignored; publish commands without the retain flag',
        'retain',
      );
    }
    if (!config.mqtt.commands.enabled) {
      throw new CommandError(
        'conflict',
        'commands over MQTT are turned off (mqtt.commands.enabled)',
        'command',
      );
    }
    if (!config.mqtt.commands.allow.includes(command)) {
      throw new CommandError(
        'conflict',
        `the ${command} command is not allowed (mqtt.commands.allow: ${config.mqtt.commands.allow.join(', ') || 'none'})`,
        'command',
      );
    }
    const request = this.#authenticate(command, topic, classifyCommand(payload));
    const cause: Cause = { actor: 'mqtt', reason: `${request.via} command on ${topic}` };
    if (request.panel !== undefined) return this.#panel(request.panel, cause);
    const body = Buffer.from(request.text);
    switch (command) {
      case 'detect':
      case 'motion': {
        const camera = topic.split('/').at(-3) ?? '';
        const on = parseSwitch(body) === 'ON';
        const result = this.#tune(camera, command, on);
        logger.info({ ...cause, camera, [command]: on }, `camera ${command} switched by MQTT`);
        return result;
      }
      case 'siren': {
        const siren = parseSiren(body);
        const output = this.#sirenOutput();
        const state = await this.#drive(output, siren.state, siren.duration, cause);
        return { output: state };
      }
      case 'alarm': {
        const { mode, reason } = parseAlarm(body);
        return this.#context.alarm.setMode(
          mode,
          reason ? { ...cause, reason: `${cause.reason}: ${reason}` } : cause,
        );
      }
    }
  }

  /**
   * Who may give this command: a signed command (any command, with `mqtt.commands.secret`), Home
   * Assistant's alarm panel (`alarm`, with `mqtt.commands.code`), or a plain payload for the camera
   * switches listed in `mqtt.commands.unsigned`. Anything else is refused, naming what it lacks.
   */
  #authenticate(command: CommandName, topic: string, payload: CommandPayload): AuthenticatedCommand {
    const { commands } = this.#context.config.mqtt;
    if (payload.kind === 'signed') {
      if (!this.#signatures)
        throw new CommandError(
          'unauthorized',
          'signed commands need mqtt.commands.secret on the appliance',
          'sig',
        );
      return { via: 'signed', text: this.#signatures.open(topic, payload.signed) };
    }
    if (payload.kind === 'panel') {
      if (command !== 'alarm')
        throw new CommandError(
          'invalid',
          `the alarm panel's commands go to ${this.#context.topics.device('alarm', 'set')}`,
          'action',
        );
      if (!this.#code)
        throw new CommandError(
          'unauthorized',
          'set mqtt.commands.code to arm and disarm from the alarm panel',
          'code',
        );
      this.#code.check(payload.panel.code);
      return { via: 'alarm panel', text: '', panel: payload.panel.action };
    }
    if ((command === 'detect' || command === 'motion') && commands.unsigned.includes(command))
      return { via: 'unsigned', text: payload.text };
    throw new CommandError(
      'unauthorized',
      command === 'alarm'
        ? "arming and disarming need the alarm code (Home Assistant's alarm panel) or a signed command (vigil mqtt-sign)"
        : `the ${command} command needs a signature (mqtt.commands.secret; vigil mqtt-sign)${command === 'siren' ? '' : `, or ${command} in mqtt.commands.unsigned`}`,
      'sig',
    );
  }

  /** An arm, disarm or trigger from Home Assistant's panel, its code already checked. */
  async #panel(action: PanelAction, cause: Cause): Promise<unknown> {
    const { alarm, config } = this.#context;
    if (action === 'TRIGGER') {
      const output = this.#sirenOutput();
      return { output: await this.#drive(output, 'ON', undefined, cause) };
    }
    const mode = panelModes(config.alarm.modes).get(action);
    if (mode === undefined) {
      throw new CommandError(
        'invalid',
        `action: ${action} names no mode of alarm.modes (${config.alarm.modes.join(', ')})`,
        'action',
      );
    }
    return alarm.setMode(mode, cause);
  }

  #tune(camera: string, command: 'detect' | 'motion', on: boolean) {
    const { pipeline } = this.#context;
    const cameras = pipeline.cameraNames();
    if (!cameras.includes(camera)) {
      throw new CommandError(
        'not_found',
        `no camera '${camera}'; cameras: ${cameras.join(', ') || 'none'}`,
        'camera',
      );
    }
    const applied = pipeline.tune(
      camera,
      command === 'detect' ? { detectEnabled: on } : { motion: { enabled: on } },
    );
    if (applied === null) throw new CommandError('conflict', `camera '${camera}' is not running`, 'camera');
    return { camera, detect_enabled: applied.detectEnabled, motion_enabled: applied.motion.enabled };
  }

  /** The output behind the siren (`mqtt.siren_output`, else `siren`, else the first output), as the siren entity's. */
  #sirenOutput(): string {
    const { config } = this.#context;
    const output = sirenOutput(config);
    if (output !== null) return output;
    if (config.mqtt.siren_output !== undefined) {
      throw new CommandError(
        'conflict',
        `mqtt.siren_output names '${config.mqtt.siren_output}', which is not a GPIO output`,
        'mqtt.siren_output',
      );
    }
    throw new CommandError('conflict', 'there is no siren: no GPIO output is configured (gpio:)', null);
  }

  async #drive(output: string, state: 'ON' | 'OFF', duration: number | undefined, cause: Cause) {
    try {
      return await this.#context.alarm.drive(
        output,
        state === 'ON' ? 'on' : 'off',
        state === 'ON' ? duration : undefined,
        cause,
      );
    } catch (err) {
      // The alarm names its own API's fields; say which field of this payload it was.
      if (err instanceof RequestError && err.field === 'duration_seconds') {
        throw new CommandError(err.kind, err.message.replace('duration_seconds', 'duration'), 'duration');
      }
      if (err instanceof RequestError && err.field === 'name') {
        const field = this.#context.config.mqtt.siren_output ? 'mqtt.siren_output' : `gpio.${output}`;
        throw new CommandError(err.kind, err.message, field);
      }
      throw err;
    }
  }

  /**
   * On `<prefix>/<id>/response`, and on the MQTT 5 response topic the request named (with its
   * correlation data) when that topic is under `<prefix>/<id>/`: a command must not make the
   * appliance publish onto someone else's topics (a Home Assistant discovery config, another
   * device's state).
   */
  async #reply(reply: CommandReply, packet: IPublishPacket): Promise<void> {
    const { connection, topics, logger } = this.#context;
    const json = JSON.stringify(reply);
    const sends = [connection.publish(topics.response, json, { qos: 1 })];
    const responseTopic = packet.properties?.responseTopic;
    if (responseTopic && !responseTopic.startsWith(`${topics.base}/`)) {
      logger.warn(
        { responseTopic },
        "MQTT command asked for a reply outside this device's topics; not sent there",
      );
    } else if (responseTopic && !/[#+]/.test(responseTopic)) {
      const correlationData = packet.properties?.correlationData;
      sends.push(
        connection.publish(responseTopic, json, {
          qos: 1,
          properties: correlationData ? { correlationData } : {},
        }),
      );
    }
    const results = await Promise.allSettled(sends);
    for (const result of results) {
      if (result.status === 'rejected')
        logger.warn({ err: result.reason }, 'could not reply to an MQTT command');
    }
  }
}
