// Minimal protobuf wire-format reader/writer for rewriting ONNX graphs in place: a message is a
// list of fields whose bytes are views into the original buffer, so weights are never decoded and
// only copied once, when the rewritten model is written out.
const LEN = 2;

export interface Field {
  no: number;
  wire: number;
  /** LEN fields: the payload; others: the value's encoded bytes (tag excluded). */
  data: Uint8Array;
}

/** A field to write: as read, or a nested message given as its fields (written without an extra copy). */
export type OutField = Field | { no: number; wire: typeof LEN; fields: OutField[] };

function varint(buf: Uint8Array, pos: number): [number, number] {
  let x = 0;
  let mul = 1;
  for (;;) {
    const b = buf[pos++]!;
    if (b === undefined) throw new Error('protobuf: truncated varint');
    x += (b & 0x7f) * mul;
    if (b < 0x80) return [x, pos];
    mul *= 128;
  }
}

export function readFields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p] = varint(buf, pos);
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    let end: number;
    let start = p;
    if (wire === 0) end = varint(buf, p)[1];
    else if (wire === 1) end = p + 8;
    else if (wire === 5) end = p + 4;
    else if (wire === LEN) {
      const [len, q] = varint(buf, p);
      start = q;
      end = q + len;
    } else throw new Error(`protobuf: wire type ${wire} not supported`);
    if (end > buf.length) throw new Error('protobuf: truncated field');
    out.push({ no, wire, data: buf.subarray(start, end) });
    pos = end;
  }
  return out;
}

const utf8 = new TextDecoder();
const enc = new TextEncoder();
export const str = (f: Field): string => utf8.decode(f.data);
export const num = (f: Field): number => varint(f.data, 0)[0];
export const strings = (fs: Field[], no: number): string[] => fs.filter((f) => f.no === no).map(str);
export const first = (fs: Field[], no: number): Field | undefined => fs.find((f) => f.no === no);

function encodeVarint(x: number, out: number[]): void {
  while (x >= 0x80) {
    out.push((x % 128) | 0x80);
    x = Math.floor(x / 128);
  }
  out.push(x);
}

/** A LEN field holding a message or string. */
export const lenField = (no: number, data: Uint8Array | string): Field => ({ no, wire: LEN, data: typeof data === 'string' ? enc.encode(data) : data });
export const intField = (no: number, x: number): Field => {
  const b: number[] = [];
  encodeVarint(x, b);
  return { no, wire: 0, data: new Uint8Array(b) };
};

export const message = (no: number, fields: OutField[]): OutField => ({ no, wire: LEN, fields });

const sizes = new WeakMap<OutField[], number>();
function sizeOf(fields: OutField[]): number {
  let size = sizes.get(fields);
  if (size !== undefined) return size;
  size = 0;
  for (const f of fields) {
    const len = 'fields' in f ? sizeOf(f.fields) : f.data.length;
    size += head(f, len).length + len;
  }
  sizes.set(fields, size);
  return size;
}

function head(f: OutField, len: number): number[] {
  const h: number[] = [];
  encodeVarint(f.no * 8 + f.wire, h);
  if (f.wire === LEN) encodeVarint(len, h);
  return h;
}

function writeInto(fields: OutField[], out: Uint8Array, pos: number): number {
  for (const f of fields) {
    const len = 'fields' in f ? sizeOf(f.fields) : f.data.length;
    const h = head(f, len);
    out.set(h, pos);
    pos += h.length;
    if ('fields' in f) pos = writeInto(f.fields, out, pos);
    else {
      out.set(f.data, pos);
      pos += len;
    }
  }
  return pos;
}

export function writeFields(fields: OutField[]): Uint8Array {
  const out = new Uint8Array(sizeOf(fields));
  writeInto(fields, out, 0);
  return out;
}
