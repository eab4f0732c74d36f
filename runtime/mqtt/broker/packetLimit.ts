import { MAX_SIGNED_BATCH_BYTES } from '../sync/syncMessages';

/**
 * The largest snapshot JPEG: the largest frame a camera may have (3840×2160) at the snapshot
 * quality (85) is 5.9 MB when it is pure noise; real scenes are far smaller.
 */
const MAX_SNAPSHOT_BYTES = 8 * 1024 * 1024;

/** The MQTT fixed header, topic, packet id and properties around a payload, with room to spare. */
const ENVELOPE_BYTES = 64 * 1024;

/**
 * mosquitto's `max_packet_size`: room for the largest message a Vigil client publishes — a signed
 * sync batch, which the appliance caps in bytes whatever `mqtt.sync.batch_size` is, or a snapshot —
 * and not more. The broker refuses a larger packet as soon as its header announces the size,
 * before it allocates memory for it; without a limit, anyone who can open a connection, even one
 * that will never log in, can make it allocate up to 256 MB.
 */
export const BROKER_MAX_PACKET_BYTES = Math.max(MAX_SIGNED_BATCH_BYTES, MAX_SNAPSHOT_BYTES) + ENVELOPE_BYTES;
