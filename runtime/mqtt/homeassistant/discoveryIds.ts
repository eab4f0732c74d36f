/**
 * Names Home Assistant accepts. Camera names and labels come from the user's config, so they
 * are made safe here rather than trusted: a label such as "sports ball" would otherwise make
 * a discovery topic HA ignores, or an entity id it rejects.
 */

/** A discovery topic's node_id / object_id: HA's topic matcher only takes `[a-zA-Z0-9_-]`. */
export function topicId(text: string): string {
  const id = text.replace(/[^a-zA-Z0-9_-]+/g, '_');
  return id.length > 0 ? id : '_';
}

/**
 * The node_id of every discovery topic of appliance `deviceId`: its entities group under it, and
 * the broker's ACL lets the appliance write only that node (`vigil mqtt-acl`).
 */
export function discoveryNodeId(deviceId: string): string {
  return topicId(`vigil_${deviceId}`);
}

/**
 * The object part of an entity id (`sensor.<this>`): lowercase letters, digits and single
 * underscores, not starting or ending with one (HA's `VALID_ENTITY_ID`).
 */
export function entitySlug(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return slug.length > 0 ? slug : 'unnamed';
}

/** "front_door" → "Front door": entity names are shown to people. */
export function displayName(name: string): string {
  const spaced = name.replace(/[_-]+/g, ' ').trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
