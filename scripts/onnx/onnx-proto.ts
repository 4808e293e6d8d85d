// The subset of onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
// ValueInfoProto) the generator needs, as plain data + an encoder. Field numbers are from
// https://github.com/onnx/onnx/blob/main/onnx/onnx.proto. Repeated scalars are written unpacked,
// as the proto2 schema implies; every parser accepts that.
import { PbWriter, type LazyBytes } from './protobuf.ts';

export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9 } as const;
export type DataTypeId = (typeof DataType)[keyof typeof DataType];

/** A named dimension (dim_param) or a fixed size (dim_value). */
export type Dim = number | string;

export interface TensorData {
  name: string;
  dataType: DataTypeId;
  dims: readonly number[];
  raw: Uint8Array | LazyBytes;
}

export interface ValueInfo {
  name: string;
  elemType: DataTypeId;
  /** Omitted = rank unknown (allowed for If sub-graph outputs). */
  dims?: readonly Dim[];
}

export interface GraphData {
  name: string;
  nodes: NodeData[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers: TensorData[];
}

export type AttrValue = number | readonly number[] | string | { float: number } | { graph: GraphData };
export type Attrs = Record<string, AttrValue>;

export interface NodeData {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs: Attrs;
  domain?: string;
}

// AttributeProto.AttributeType
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, GRAPH: 5, INTS: 7 } as const;

export function encodeTensor(t: TensorData): PbWriter {
  const w = new PbWriter();
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.dataType).string(8, t.name);
  return w.bytes(9, t.raw);
}

function encodeValueInfo(v: ValueInfo): PbWriter {
  const tensorType = new PbWriter().int(1, v.elemType);
  if (v.dims) {
    const shape = new PbWriter();
    for (const d of v.dims) {
      shape.message(1, typeof d === 'number' ? new PbWriter().int(1, d) : new PbWriter().string(2, d));
    }
    tensorType.message(2, shape);
  }
  return new PbWriter().string(1, v.name).message(2, new PbWriter().message(1, tensorType));
}

function encodeAttr(name: string, v: AttrValue): PbWriter {
  const w = new PbWriter().string(1, name);
  if (typeof v === 'number') return w.int(3, v).int(20, ATTR.INT);
  if (typeof v === 'string') return w.string(4, v).int(20, ATTR.STRING);
  if ('float' in v) return w.float(2, v.float).int(20, ATTR.FLOAT);
  if ('graph' in v) return w.message(6, encodeGraph(v.graph)).int(20, ATTR.GRAPH);
  for (const x of v) w.int(8, x);
  return w.int(20, ATTR.INTS);
}

function encodeNode(n: NodeData): PbWriter {
  const w = new PbWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const [k, v] of Object.entries(n.attrs)) w.message(5, encodeAttr(k, v));
  if (n.domain) w.string(7, n.domain);
  return w;
}

export function encodeGraph(g: GraphData): PbWriter {
  const w = new PbWriter();
  for (const n of g.nodes) w.message(1, encodeNode(n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, encodeTensor(t));
  for (const v of g.inputs) w.message(11, encodeValueInfo(v));
  for (const v of g.outputs) w.message(12, encodeValueInfo(v));
  return w;
}

export interface ModelMeta {
  producer: string;
  producerVersion: string;
  opset: number;
}

export function encodeModel(graph: GraphData, meta: ModelMeta): PbWriter {
  const w = new PbWriter().int(1, 8); // ir_version 8 = the IR of opset 17
  w.string(2, meta.producer).string(3, meta.producerVersion);
  w.message(7, encodeGraph(graph));
  return w.message(8, new PbWriter().string(1, '').int(2, meta.opset));
}
