export const USAGE = `Usage: vigil <command> [options]

Commands:
  run [--config FILE]        run the appliance (without --config: the embedded demo, data in ./data)
  check-config FILE          validate a config file; exit 0 if valid, else 2 with every error as "path: message"
  version, --version         print the version

Environment:
  VIGIL_CONFIG               config file for 'run' when --config is not given
  VIGIL_<PATH>               override any config setting, e.g. VIGIL_HTTP_PORT=9090, VIGIL_MQTT_URL=mqtt://hub:1883
`;
