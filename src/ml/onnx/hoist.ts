// Splits a merged decoder (optimum's If on use_cache_branch) into two models: the work of the
// with-past branch that depends only on encoder_hidden_states and weights (GPT-2's cross-attention
// keys/values: 12 layers × [197 × 768] · [768 × 1536] every generated token, ~95% of a step), and
// the decoder that takes those results as extra inputs. Same nodes, same weights, same results:
// the invariant part just runs once per image instead of once per token. Found by data flow, not
// by node names, so it does not depend on how the exporter named things.
import { first, lenField, intField, message, num, readFields, str, strings, writeFields, type Field, type OutField } from './proto';

const T = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9 } as const;
const ENCODER_INPUT = 'encoder_hidden_states';
/** Ops whose output type is not their first input's. */
const OUT_TYPE: Record<string, (node: Node, types: Map<string, number>) => number[]> = {
  Cast: (n) => [n.intAttr('to') ?? T.FLOAT],
  Shape: () => [T.INT64],
  Size: () => [T.INT64],
  DynamicQuantizeLinear: () => [T.UINT8, T.FLOAT, T.UINT8],
  MatMulInteger: () => [T.INT32],
  ConvInteger: () => [T.INT32],
  DequantizeLinear: () => [T.FLOAT],
  DynamicQuantizeMatMul: () => [T.FLOAT],
  MatMulIntegerToFloat: () => [T.FLOAT],
  QuantizeLinear: (n, types) => [types.get(n.inputs[2] ?? '') ?? T.UINT8],
  Equal: () => [T.BOOL],
  Less: () => [T.BOOL],
  Greater: () => [T.BOOL],
  Not: () => [T.BOOL],
  And: () => [T.BOOL],
  Or: () => [T.BOOL],
  Where: (n, types) => [types.get(n.inputs[1] ?? '') ?? T.FLOAT],
};
const NOT_HOISTABLE = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli']);

class Node {
  readonly inputs: string[];
  readonly outputs: string[];
  readonly op: string;
  readonly attrs: Field[][];
  constructor(readonly field: Field) {
    const fs = readFields(field.data);
    this.inputs = strings(fs, 1);
    this.outputs = strings(fs, 2);
    this.op = str(first(fs, 4) ?? lenField(4, ''));
    this.attrs = fs.filter((f) => f.no === 5).map((f) => readFields(f.data));
  }
  attr(name: string): Field[] | undefined {
    return this.attrs.find((a) => str(first(a, 1)!) === name);
  }
  intAttr(name: string): number | undefined {
    const a = this.attr(name);
    const i = a && first(a, 3);
    return i ? num(i) : undefined;
  }
  /** Nested graphs (If/Loop/Scan bodies). */
  subgraphs(): Field[][] {
    return this.attrs.flatMap((a) => [...a.filter((f) => f.no === 6), ...a.filter((f) => f.no === 11)].map((f) => readFields(f.data)));
  }
}

/** Every name a graph and its nested graphs read. */
function namesRead(graph: Field[], into: Set<string>): void {
  for (const f of graph) if (f.no === 1) {
    const n = new Node(f);
    for (const i of n.inputs) into.add(i);
    for (const g of n.subgraphs()) namesRead(g, into);
  }
  for (const o of strings(graph.filter((f) => f.no === 12).map((f) => readFields(f.data)).flat(), 1)) into.add(o);
}

const tensorType = (elemType: number): OutField[] => [message(1, [intField(1, elemType)])];
const valueInfo = (name: string, elemType: number): OutField[] => [lenField(1, name), message(2, tensorType(elemType))];
const initializerInfo = (f: Field): { name: string; type: number } => {
  const fs = readFields(f.data);
  return { name: str(first(fs, 8) ?? lenField(8, '')), type: num(first(fs, 2) ?? intField(2, 0)) };
};

export interface HoistedDecoder {
  /** encoder_hidden_states → `outputs`, once per image. */
  precompute: Uint8Array;
  /** The decoder with `outputs` as extra inputs. */
  decoder: Uint8Array;
  outputs: string[];
  /** Nodes moved out of the per-token branch. */
  movedNodes: number;
}

/** null when the model is not a merged decoder with encoder-only work in its with-past branch. */
export function hoistEncoderWork(modelBytes: Uint8Array): HoistedDecoder | null {
  const model = readFields(modelBytes);
  const graphField = first(model, 7);
  if (!graphField) return null;
  const graph = readFields(graphField.data);
  const inputs = graph.filter((f) => f.no === 11);
  const encInput = inputs.find((f) => str(first(readFields(f.data), 1)!) === ENCODER_INPUT);
  const ifIndex = graph.findIndex((f) => f.no === 1 && new Node(f).op === 'If' && new Node(f).inputs[0] === 'use_cache_branch');
  if (!encInput || ifIndex < 0) return null;
  const ifNode = new Node(graph[ifIndex]!);
  const thenAttr = ifNode.attr('then_branch');
  const thenGraphField = thenAttr && first(thenAttr, 6);
  if (!thenGraphField) return null;
  const branch = readFields(thenGraphField.data);

  // Types and constants: weights (outer and branch initializers) and Constant nodes.
  const types = new Map<string, number>();
  const constants = new Set<string>();
  const initializers = new Map<string, Field>();
  for (const f of [...graph, ...branch]) {
    if (f.no !== 5) continue;
    const { name, type } = initializerInfo(f);
    types.set(name, type);
    constants.add(name);
    initializers.set(name, f);
  }
  types.set(ENCODER_INPUT, T.FLOAT);
  const constNodes = new Map<string, Node>(); // output → node computing it from constants only
  const hoisted = new Set<string>(); // tensors that depend on encoder_hidden_states and constants only
  const moved: Node[] = [];
  const movedFields = new Set<Field>();
  for (const f of branch) {
    if (f.no !== 1) continue;
    const n = new Node(f);
    const ins = n.inputs.filter((i) => i !== '');
    const typeOf = (OUT_TYPE[n.op] ?? ((): number[] => [types.get(ins[0] ?? '') ?? T.FLOAT]))(n, types);
    n.outputs.forEach((o, k) => types.set(o, typeOf[k] ?? typeOf[0]!));
    if (NOT_HOISTABLE.has(n.op) || n.subgraphs().length > 0) continue;
    const isConst = (i: string): boolean => constants.has(i);
    if (ins.every(isConst)) {
      for (const o of n.outputs) {
        constants.add(o);
        constNodes.set(o, n);
      }
    } else if (ins.every((i) => isConst(i) || hoisted.has(i) || i === ENCODER_INPUT)) {
      for (const o of n.outputs) hoisted.add(o);
      moved.push(n);
      movedFields.add(f);
    }
  }
  if (!moved.some((n) => /MatMul|Gemm|Conv/.test(n.op))) return null;

  // What the rest of the branch still reads from the moved nodes: the precompute model's outputs.
  const remaining = branch.filter((f) => !movedFields.has(f));
  const read = new Set<string>();
  namesRead(remaining, read);
  const outputs = [...hoisted].filter((t) => read.has(t));

  // The precompute model: the moved nodes, the constant nodes and weights they read.
  const needConst = new Set<string>();
  const pending = moved.flatMap((n) => n.inputs);
  while (pending.length) {
    const i = pending.pop()!;
    if (needConst.has(i) || !constants.has(i)) continue;
    needConst.add(i);
    const cn = constNodes.get(i);
    if (cn) pending.push(...cn.inputs);
  }
  const constNodeList = [...new Set([...needConst].flatMap((c) => (constNodes.has(c) ? [constNodes.get(c)!] : [])))];
  const preNodes = branch.filter((f) => f.no === 1 && (movedFields.has(f) || constNodeList.some((c) => c.field === f)));
  const preGraph: OutField[] = [
    ...preNodes,
    lenField(2, 'hoisted_encoder_work'),
    ...[...needConst].flatMap((c) => (initializers.has(c) ? [initializers.get(c)!] : [])),
    encInput,
    ...outputs.map((o) => message(12, valueInfo(o, types.get(o) ?? T.FLOAT))),
  ];
  const modelRest = model.filter((f) => f.no !== 7);
  const precompute = writeFields([...modelRest, message(7, preGraph)]);

  // The decoder: the branch without the moved nodes, their results as graph inputs.
  const newThen = message(
    5,
    thenAttr.map((f) => (f.no === 6 ? message(6, remaining) : f)),
  );
  const ifFields = readFields(graph[ifIndex]!.data).map((f) => (f.no === 5 && str(first(readFields(f.data), 1)!) === 'then_branch' ? newThen : f));
  const lastInput = graph.lastIndexOf(inputs[inputs.length - 1]!);
  const newGraph: OutField[] = graph.flatMap((f, k) => {
    if (k === ifIndex) return [message(1, ifFields)];
    if (k === lastInput) return [f, ...outputs.map((o) => message(11, valueInfo(o, types.get(o) ?? T.FLOAT)))];
    return [f];
  });
  const decoder = writeFields([...modelRest, message(7, newGraph)]);
  return { precompute, decoder, outputs, movedNodes: moved.length };
}
