// Graph builder: collects nodes, inputs/outputs and (shared) initializers, hands out unique
// value names. Sub-graphs (If branches) share the root's initializers and name counter: ONNX
// requires names to be unique across nested scopes, and branches read weights from the outer scope.
import type { Attrs, DataTypeId, Dim, GraphData, NodeData, TensorData, ValueInfo } from './onnx-proto.ts';
import { DataType } from './onnx-proto.ts';

export interface BuildOptions {
  /** Weight seed; see rng.ts. */
  seed: number;
  /** int8 weights + DynamicQuantizeLinear/MatMulInteger, like onnxruntime's quantize_dynamic. */
  quantized: boolean;
}

interface RootState {
  readonly opts: BuildOptions;
  readonly initializers: Map<string, TensorData>;
  counter: number;
}

export class GraphBuilder {
  private readonly nodes: NodeData[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly root: RootState;
  private readonly isSubgraph: boolean;

  constructor(
    readonly name: string,
    optsOrRoot: BuildOptions | RootState,
  ) {
    this.isSubgraph = 'initializers' in optsOrRoot;
    this.root = 'initializers' in optsOrRoot ? optsOrRoot : { opts: optsOrRoot, initializers: new Map(), counter: 0 };
  }

  get opts(): BuildOptions {
    return this.root.opts;
  }

  input(name: string, elemType: DataTypeId, dims: readonly Dim[]): string {
    this.inputs.push({ name, elemType, dims });
    return name;
  }

  output(name: string, elemType: DataTypeId, dims?: readonly Dim[]): void {
    this.outputs.push({ name, elemType, dims });
  }

  /** Adds a node; `outputs` is a count (auto-named) or explicit names. */
  op(opType: string, inputs: readonly string[], attrs: Attrs = {}, outputs: number | readonly string[] = 1): string[] {
    const id = `${opType}_${this.root.counter++}`;
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, (_, i) => `/${this.name}/${id}_out${i}`) : [...outputs];
    this.nodes.push({ opType, name: `/${this.name}/${id}`, inputs, outputs: outs, attrs });
    return outs;
  }

  op1(opType: string, inputs: readonly string[], attrs: Attrs = {}, output?: string): string {
    return this.op(opType, inputs, attrs, output === undefined ? 1 : [output])[0]!;
  }

  /** Registers an initializer in the root graph (idempotent for the same name). */
  initializer(t: TensorData): string {
    if (!this.root.initializers.has(t.name)) this.root.initializers.set(t.name, t);
    return t.name;
  }

  constI64(values: readonly number[], scalar = false): string {
    const name = `const_i64_${scalar ? 's' : ''}${values.join('_')}`;
    const raw = new Uint8Array(new BigInt64Array(values.map((v) => BigInt(v))).buffer);
    return this.initializer({ name, dataType: DataType.INT64, dims: scalar ? [] : [values.length], raw });
  }

  constF32(value: number): string {
    const raw = new Uint8Array(new Float32Array([value]).buffer);
    return this.initializer({ name: `const_f32_${value}`, dataType: DataType.FLOAT, dims: [], raw });
  }

  subgraph(name: string): GraphBuilder {
    return new GraphBuilder(name, this.root);
  }

  build(): GraphData {
    return {
      name: this.name,
      nodes: this.nodes,
      inputs: this.inputs,
      outputs: this.outputs,
      initializers: this.isSubgraph ? [] : [...this.root.initializers.values()],
    };
  }
}
