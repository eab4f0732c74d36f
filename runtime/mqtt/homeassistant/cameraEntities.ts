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
export function cameraEntities(camera: string, config: CameraConfig, topics: VigilTopics): HaEntity[] {
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
    {
      component: 'switch',
      key: `${id}_detect`,
      options: {
        name: `${name} detection`,
        icon: 'mdi:cctv',
        entity_category: 'config',
        state_topic: topics.camera(camera, 'detect', 'state'),
        command_topic: topics.camera(camera, 'detect', 'set'),
      },
    },
    {
      component: 'switch',
      key: `${id}_motion_detection`,
      options: {
        name: `${name} motion detection`,
        icon: 'mdi:motion-sensor',
        entity_category: 'config',
        state_topic: topics.camera(camera, 'motion', 'state'),
        command_topic: topics.camera(camera, 'motion', 'set'),
      },
    },
  );
  return entities;
}

/** A Jinja string literal for `text` (JSON string syntax is valid Jinja for any label). */
function jinjaString(text: string): string {
  return JSON.stringify(text);
}
