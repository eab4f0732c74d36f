export const USAGE = `Usage: vigil <command> [options]

Commands:
  run [--config FILE]        run the appliance (without --config: the embedded demo, data in ./data)
  check-config FILE          validate a config file; exit 0 if valid, else 2 with every error as "path: message"
  faces enroll [--config FILE] --name NAME [--list known|blacklist] IMAGE...
                             enroll a person from photos (largest face of each); exit 2 if an image has no usable face
  faces list [--config FILE] list enrolled people, their list and number of faces
  central [--config FILE]    run the central receiver the appliances sync their events to (mqtt, central, http)
  central enroll [--config FILE] --device ID --key KEY
                             let the central receiver take an appliance's signed batches (its key from 'vigil device-key')
  device-key [--config FILE] print this appliance's device key (made the first time), which signs its sync
  mqtt-acl [--config FILE] [--device ID ...] [--producer NAME ...] [--out DIR] [--broker-dir DIR]
                             mosquitto logins and ACL for the appliances, the central server and Home Assistant;
                             prints each password once
  mqtt-sign [--config FILE] --topic TOPIC --payload TEXT
                             sign an MQTT command with mqtt.commands.secret (print the payload to publish)
  admin-password [--config FILE] [--reset]
                             create the status page's admin login if there is none (or replace it) and print the password
  gpio off [--config FILE]   switch every GPIO output off (systemd runs it after vigil stops, even after a crash)
  version, --version         print the version

Environment:
  VIGIL_CONFIG               config file for 'run' and 'central' when --config is not given
  VIGIL_<PATH>               override any config setting, e.g. VIGIL_HTTP_PORT=9090, VIGIL_MQTT_URL=mqtt://hub:1883
`;
