import { CommandsFeature } from './commands/commandsFeature';
import { FrigateFeature } from './frigate/frigateFeature';
import { HomeAssistantFeature } from './homeassistant/homeAssistantFeature';
import { IngestFeature } from './ingest/ingestFeature';
import type { MqttContext, MqttFeature } from './mqttContext';

/** The MQTT features, in start order. */
export function createMqttFeatures(context: MqttContext): MqttFeature[] {
  // Always on with MQTT: it publishes Vigil's own state topics, and with `homeassistant: false`
  // it removes the discovery configs it announced before.
  const features: MqttFeature[] = [new HomeAssistantFeature(context)];
  if (context.config.mqtt.frigate_compat) features.push(new FrigateFeature(context));
  features.push(new CommandsFeature(context));
  // Off unless configured: without its own secret nobody may hand in events over MQTT.
  const ingestSecret = context.config.mqtt.ingest.secret;
  if (ingestSecret !== undefined) features.push(new IngestFeature(context, ingestSecret));
  return features;
}
