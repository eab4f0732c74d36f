/** The Home Assistant MQTT platforms Vigil announces. */
type HaComponent = 'alarm_control_panel' | 'binary_sensor' | 'sensor' | 'switch' | 'image' | 'event';

/**
 * One entity before the parts every entity shares (unique_id, device, origin, availability,
 * qos) are added by `discoveryMessages`.
 */
export interface HaEntity {
  component: HaComponent;
  /**
   * Unique within the appliance; only `[a-zA-Z0-9_-]`. It is the discovery topic's object_id and
   * the tail of unique_id and of the default entity id, so it must never change for an entity:
   * HA keys the user's customisations (name, area, history) on unique_id.
   */
  key: string;
  /** The platform's own options: name, topics, templates, device_class, unit… */
  options: Record<string, unknown>;
}
