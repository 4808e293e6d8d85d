// Internal nodes, grouped into pages of up to NODES_PER_PAGE. A node is an int8
// hyperplane normal (+ scale), an offset and two child refs: d + 16 bytes.
// Child ref: ≥ 0 is a node index (page = idx >> PAGE_SHIFT), < 0 is leaf ~ref.
import { allocBlock, BlockKind, HEADER_BYTES, openBlock, sealBlock } from './block-codec.ts';
import { CorruptBlockError } from './errors.ts';

export const PAGE_SHIFT = 6;
export const NODES_PER_PAGE = 1 << PAGE_SHIFT;

export interface NodePage {
  used: number;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly offset: Float32Array;
  readonly scale: Float32Array;
  readonly normals: Int8Array;
}

/** A writable page with room for NODES_PER_PAGE nodes (used by build and add). */
export function emptyPage(dim: number): NodePage {
  const n = NODES_PER_PAGE;
  return { used: 0, left: new Int32Array(n), right: new Int32Array(n), offset: new Float32Array(n), scale: new Float32Array(n), normals: new Int8Array(n * dim) };
}

export function clonePage(p: NodePage, dim: number): NodePage {
  const c = emptyPage(dim);
  c.used = p.used;
  c.left.set(p.left.subarray(0, p.used));
  c.right.set(p.right.subarray(0, p.used));
  c.offset.set(p.offset.subarray(0, p.used));
  c.scale.set(p.scale.subarray(0, p.used));
  c.normals.set(p.normals.subarray(0, p.used * dim));
  return c;
}

export function encodePage(p: NodePage, dim: number): Uint8Array {
  const u = p.used;
  const { bytes, view } = allocBlock(BlockKind.NodePage, 8 + u * 16 + u * dim);
  view.setUint32(HEADER_BYTES, u, true);
  const b = bytes.byteOffset + HEADER_BYTES + 8;
  new Int32Array(bytes.buffer, b, u).set(p.left.subarray(0, u));
  new Int32Array(bytes.buffer, b + u * 4, u).set(p.right.subarray(0, u));
  new Float32Array(bytes.buffer, b + u * 8, u).set(p.offset.subarray(0, u));
  new Float32Array(bytes.buffer, b + u * 12, u).set(p.scale.subarray(0, u));
  new Int8Array(bytes.buffer, b + u * 16, u * dim).set(p.normals.subarray(0, u * dim));
  return sealBlock(bytes);
}

export function decodePage(key: string, bytes: Uint8Array, dim: number, trusted = false): NodePage {
  const view = openBlock(key, bytes, BlockKind.NodePage, trusted);
  const u = view.getUint32(HEADER_BYTES, true);
  if (u > NODES_PER_PAGE || HEADER_BYTES + ((8 + u * 16 + u * dim + 3) & ~3) !== bytes.byteLength) {
    throw new CorruptBlockError(key, `node page claims ${u} nodes in ${bytes.byteLength} bytes`);
  }
  const b = bytes.byteOffset + HEADER_BYTES + 8;
  const buf = bytes.buffer;
  return {
    used: u,
    left: new Int32Array(buf, b, u),
    right: new Int32Array(buf, b + u * 4, u),
    offset: new Float32Array(buf, b + u * 8, u),
    scale: new Float32Array(buf, b + u * 12, u),
    normals: new Int8Array(buf, b + u * 16, u * dim),
  };
}
