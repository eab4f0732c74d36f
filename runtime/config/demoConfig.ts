/**
 * The embedded demo configuration `vigil run` uses without `--config`: one simulated
 * camera, a simulated siren and PIR, so the appliance runs on any machine with no hardware,
 * data under `./data` and the status page on http://localhost:8080.
 */
export const DEMO_CONFIG_YAML = `# Vigil demo: runs anywhere, no camera or GPIO needed.
version: 1
device:
  id: demo
  name: Vigil demo
data_dir: ./data
cameras:
  demo:
    source:
      driver: sim
    objects:
      track: [person]
detectors:
  default:
    type: onnx
    model: nanodet
gpio:
  siren:
    driver: sim
    pin: 17
    direction: output
    max_on: 30
  pir:
    driver: sim
    pin: 27
    direction: input
    sensor: motion
alarm:
  mode: away
mqtt:
  enabled: false
http:
  port: 8080
`;
