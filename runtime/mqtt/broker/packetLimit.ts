/**
 * The most one event takes in a sync batch, its `{"seq":…,"event":…}` wrapper included. An event
 * is bounded when it is taken in (runtime/events/eventValidation.ts, runtime/domain/eventModel.ts):
 * `data` at most 16 KiB of JSON, ids and names at most 128 and 64 characters, 32 zones; its
 * description is at most 1,000 characters (the description enricher clips a provider's answer);
 * free text is 6 bytes a character at worst once JSON escapes it; the rules add a few tags of at
 * most 64 characters. That is under 29 KB (test/runtime/mqtt/broker/packetLimit.test.ts builds
 * such an event); the rest is room for the rules' `set` fields.
 */
export const MAX_SYNCED_EVENT_BYTES = 32 * 1024;

/**
 * The largest snapshot JPEG: the largest frame a camera may have (3840×2160) at the snapshot
 * quality (85) is 5.9 MB when it is pure noise; real scenes are far smaller.
 */
const MAX_SNAPSHOT_BYTES = 8 * 1024 * 1024;

/** The batch's envelope (version, device, batch id, time) and the MQTT header, topic and properties. */
const ENVELOPE_BYTES = 64 * 1024;

/**
 * mosquitto's `max_packet_size` for an installation whose appliances send `batchSize` events per
 * sync batch (`mqtt.sync.batch_size`): room for the largest batch and the largest snapshot, and
 * not more. The broker refuses a larger packet as soon as its header announces the size, before
 * it allocates memory for it; without a limit, anyone who can open a connection, even one that
 * will never log in, can make it allocate up to 256 MB. A batch larger than the limit would be
 * refused again at every resend and hold the sync up, hence the margin over real events.
 */
export function maxPacketBytes(batchSize: number): number {
  return Math.max(batchSize * MAX_SYNCED_EVENT_BYTES, MAX_SNAPSHOT_BYTES) + ENVELOPE_BYTES;
}
