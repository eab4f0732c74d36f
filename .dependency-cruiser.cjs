/**
 * Layering, checked by `npm run lint:structure` (part of `npm test`).
 *
 * The code is a stack of layers. A layer may import from the layers below it and from itself,
 * never from a layer above it nor from another folder of its own layer. From the ground up:
 *
 *   base/            ground floor: geometry, NMS, image math, worker threads, child processes,
 *                    errors, schema helpers. Imports no project code.
 *   models/          model registry, tensor and detection types, decoders
 *   hal/board        what the board is
 *   hal/*            camera, gpio, accel: one folder per kind of hardware; never each other
 *   runtime/ foundation, one layer each: domain (the event vocabulary), rules (the rule
 *                    language), config, logging and metrics and system, lifecycle, store, bus
 *   runtime/ areas:  events, alarm, faces, media, pipeline (in that order)
 *   runtime/ doors:  mqtt and web (peers), then central
 *   composition:     runtime/*.ts (app, topic map, context, main, version) and runtime/cli
 *
 * hal/ and models/ never import runtime/. The browser app (ui/) runs in another place altogether:
 * it may import types from the server (checked by its own typecheck), never code.
 */
const LAYERS = [
  ['^base/'],
  ['^models/'],
  ['^hal/board/'],
  ['^hal/camera/', '^hal/gpio/', '^hal/accel/'],
  ['^runtime/domain/'],
  ['^runtime/rules/'],
  ['^runtime/config/'],
  ['^runtime/logging/', '^runtime/metrics/', '^runtime/system/'],
  ['^runtime/lifecycle/'],
  ['^runtime/store/'],
  ['^runtime/bus/'],
  ['^runtime/events/'],
  ['^runtime/alarm/'],
  ['^runtime/faces/'],
  ['^runtime/media/'],
  ['^runtime/pipeline/'],
  ['^runtime/mqtt/', '^runtime/web/'],
  ['^runtime/central/'],
  ['^runtime/([^/]+\\.ts$|cli/)'],
];

const layerRules = LAYERS.flatMap((layer, index) => {
  const above = LAYERS.slice(index + 1).flat();
  return layer.flatMap((folder) => {
    const forbidden = [...above, ...layer.filter((other) => other !== folder)];
    if (forbidden.length === 0) return [];
    return {
      name: `layer:${folder.replace(/[\^$\\]/g, '')}`,
      comment: `${folder} may import only from the layers below it (see the stack at the top of .dependency-cruiser.cjs)`,
      severity: 'error',
      from: { path: folder },
      to: { path: forbidden },
    };
  });
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'ui-imports-types-only',
      comment: 'the browser app may import types from the server, never code (it runs in the browser)',
      severity: 'error',
      from: { path: '^ui/' },
      to: { path: '^(runtime|hal|models|base)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      comment: 'files that import each other (values, not only types) cannot be loaded in a defined order',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-unresolvable',
      comment: 'an import that resolves to nothing',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|image/out)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
