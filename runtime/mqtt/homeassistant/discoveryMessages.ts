import { createHash } from 'node:crypto';
import { discoveryNodeId, entitySlug, topicId } from './discoveryIds';
import type { HaEntity } from './haEntity';

/** Who this appliance is, for the device and origin blocks every config carries. */
export interface DiscoveryIdentity {
  deviceId: string;
  deviceName: string;
  /** The board (e.g. "Raspberry Pi 5 Model B Rev 1.0"). */
  model: string;
  version: string;
  /** The status page, or null when the web server is off. */
  configurationUrl: string | null;
  discoveryPrefix: string;
  availabilityTopic: string;
  qos: 0 | 1 | 2;
}

/** One retained discovery config. */
export interface DiscoveryMessage {
  topic: string;
  payload: Record<string, unknown>;
}

/**
 * The discovery configs for `entities`: `<prefix>/<component>/vigil_<id>/<key>/config`, each
 * with the device block (so the entities group under one device whatever order HA reads them
 * in), the origin block, one availability topic, unique_id and a default entity id.
 */
export function discoveryMessages(
  entities: readonly HaEntity[],
  identity: DiscoveryIdentity,
): DiscoveryMessage[] {
  const nodeId = discoveryNodeId(identity.deviceId);
  const device = deviceBlock(identity);
  const origin = {
    name: 'Vigil',
    sw_version: identity.version,
    ...(identity.configurationUrl ? { support_url: identity.configurationUrl } : {}),
  };
  const keys = new Set<string>();
  return entities.map((entity) => {
    const key = uniqueKey(topicId(entity.key), keys);
    return {
      topic: `${identity.discoveryPrefix}/${entity.component}/${nodeId}/${key}/config`,
      payload: {
        ...entity.options,
        unique_id: `${nodeId}_${key}`,
        // object_id is deprecated since HA 2025.10 (gone in 2026.4); older versions ignore this key.
        default_entity_id: `${entity.component}.${entitySlug(`${identity.deviceId}_${key}`)}`,
        availability_topic: identity.availabilityTopic,
        qos: identity.qos,
        device,
        origin,
      },
    };
  });
}

function deviceBlock(identity: DiscoveryIdentity): Record<string, unknown> {
  return {
    identifiers: [`vigil_${identity.deviceId}`],
    name: identity.deviceName,
    manufacturer: 'Vigil',
    model: identity.model,
    sw_version: identity.version,
    ...(identity.configurationUrl ? { configuration_url: identity.configurationUrl } : {}),
  };
}

/**
 * `key`, or, when making names safe made two entities alike ("a b" and "a_b"), `key` plus a
 * short hash: stable across restarts as long as the config is, so unique_ids do not move.
 */
function uniqueKey(key: string, taken: Set<string>): string {
  let candidate = key;
  for (let n = 0; taken.has(candidate); n += 1) {
    candidate = `${key}_${createHash('sha256').update(`${key}#${n}`).digest('hex').slice(0, 6)}`;
  }
  taken.add(candidate);
  return candidate;
}
