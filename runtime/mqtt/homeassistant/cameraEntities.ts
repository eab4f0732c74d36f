import type { CameraConfig } from '../../config/schema/index';
import type { VigilTopics } from '../vigilTopics';
import { displayName, topicId } from './discoveryIds';
import type { HaEntity } from './haEntity';

/** Face event types of the HA `event` entity, as in `<base>/<camera>/face/event`. */
const FACE_EVENT_TYPES = ['known', 'unknown', 'blacklisted'] as const;

/**
 * One camera's entities. State topics are Vigil's own (`<base>/<camera>/...`); commands go to
 * `.../set`, where the commands feature validates them.
 */
export function cameraEntities(
  camera: string,
  config: CameraConfig,
  topics: VigilTopics,
  unsigned: readonly string[],
): HaEntity[] {
  const id = topicId(camera);
  const name = displayName(camera);
  const objects = topics.camera(camera, 'objects');
  const face = topics.camera(camera, 'face');
  const entities: HaEntity[] = [
    {
      component: 'binary_sensor',
      key: `${id}_motion`,
      options: {
        name: `${name} motion`,
        device_class: 'motion',
        state_topic: topics.camera(camera, 'motion'),
      },
    },
  ];
  const labels = [...new Set(config.objects.track)];
  if (labels.includes('person')) {
    entities.push({
      component: 'binary_sensor',
      key: `${id}_person_occupancy`,
      options: {
        name: `${name} person occupancy`,
        device_class: 'occupancy',
        state_topic: objects,
        value_template: `{{ 'ON' if (value_json[${jinjaString('person')}] | int(0)) > 0 else 'OFF' }}`,
      },
    });
  }
  for (const label of labels) {
    entities.push({
      component: 'sensor',
      key: `${id}_${topicId(label)}_count`,
      options: {
        name: `${name} ${label} count`,
        icon: 'mdi:counter',
        state_topic: objects,
        value_template: `{{ value_json[${jinjaString(label)}] | int(0) }}`,
        state_class: 'measurement',
      },
    });
  }
  entities.push(
    {
      component: 'sensor',
      key: `${id}_last_face`,
      options: {
        name: `${name} last face`,
        icon: 'mdi:face-recognition',
        state_topic: face,
        // An unknown face has no name; the sensor then says so instead of "None" (unknown state).
        value_template: "{{ value_json.name or 'unknown' }}",
        json_attributes_topic: face,
      },
    },
    {
      component: 'event',
      key: `${id}_face`,
      options: {
        name: `${name} face`,
        state_topic: topics.camera(camera, 'face/event'),
        event_types: [...FACE_EVENT_TYPES],
      },
    },
    {
      component: 'image',
      key: `${id}_snapshot`,
      options: {
        name: `${name} snapshot`,
        image_topic: topics.camera(camera, 'snapshot'),
        content_type: 'image/jpeg',
      },
    },
    cameraSwitch(
      topics,
      camera,
      'detect',
      { key: `${id}_detect`, name: `${name} detection`, icon: 'mdi:cctv' },
      unsigned,
    ),
    cameraSwitch(
      topics,
      camera,
      'motion',
      { key: `${id}_motion_detection`, name: `${name} motion detection`, icon: 'mdi:motion-sensor' },
      unsigned,
    ),
  );
  return entities;
}

/**
 * Detection or motion detection of a camera: a switch when `mqtt.commands.unsigned` takes the
 * plain ON/OFF Home Assistant sends (HA's switches cannot sign), else a state Home Assistant shows
 * and cannot change — switching detection off would blind the alarm.
 */
function cameraSwitch(
  topics: VigilTopics,
  camera: string,
  command: 'detect' | 'motion',
  entity: { key: string; name: string; icon: string },
  unsigned: readonly string[],
): HaEntity {
  const state = { name: entity.name, icon: entity.icon, entity_category: 'diagnostic' };
  const stateTopic = topics.camera(camera, command, 'state');
  if (!unsigned.includes(command)) {
    return { component: 'binary_sensor', key: entity.key, options: { ...state, state_topic: stateTopic } };
  }
  return {
    component: 'switch',
    key: entity.key,
    options: {
      ...state,
      entity_category: 'config',
      state_topic: stateTopic,
      command_topic: topics.camera(camera, command, 'set'),
    },
  };
}

/** A Jinja string literal for `text` (JSON string syntax is valid Jinja for any label). */
function jinjaString(text: string): string {
  return JSON.stringify(text);
}
