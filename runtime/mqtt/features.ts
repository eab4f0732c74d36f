import { HomeAssistantFeature } from './homeassistant/homeAssistantFeature';
import type { MqttContext, MqttFeature } from './mqttContext';

/** The MQTT features, in start order. */
export function createMqttFeatures(context: MqttContext): MqttFeature[] {
  // Always on with MQTT: it publishes Vigil's own state topics, and with `homeassistant: false`
  // it removes the discovery configs it announced before.
  const features: MqttFeature[] = [new HomeAssistantFeature(context)];
  return features;
}
