// Minimal protobuf wire-format writer. Messages are kept as a list of chunks rather than one
// buffer so that a 150 MB weight tensor is never copied into its parent: big byte fields can
// even be "lazy" (length known up front, bytes produced only while the file is being written),
// which keeps peak memory at one tensor instead of the whole model.
import { closeSync, openSync, writeSync } from 'node:fs';

/** Bytes whose length is known now but whose content is produced on demand (exactly once per write). */
export interface LazyBytes {
  readonly length: number;
  readonly produce: () => Uint8Array;
}

type Chunk = Uint8Array | LazyBytes;

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

export class PbWriter {
  private readonly chunks: Chunk[] = [];
  private pending: number[] = [];
  private flushedLength = 0;

  get byteLength(): number {
    return this.flushedLength + this.pending.length;
  }

  /** Varint field; negative numbers are written as 64-bit two's complement (10 bytes), as protobuf requires for int64. */
  int(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.varint(BigInt.asUintN(64, BigInt(value)));
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.pending.push(...b);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  bytes(field: number, value: Uint8Array | LazyBytes): this {
    this.tag(field, WIRE_LEN);
    this.varint(BigInt(value.length));
    if (value instanceof Uint8Array && value.length < 256) this.pending.push(...value);
    else this.push(value, value.length);
    return this;
  }

  message(field: number, sub: PbWriter): this {
    this.tag(field, WIRE_LEN);
    this.varint(BigInt(sub.byteLength));
    sub.flush();
    for (const c of sub.chunks) this.push(c, c.length);
    return this;
  }

  /** Streams the message to a file, producing lazy chunks one at a time. */
  writeFile(path: string): void {
    this.flush();
    const fd = openSync(path, 'w');
    try {
      for (const c of this.chunks) writeSync(fd, materialise(c));
    } finally {
      closeSync(fd);
    }
  }

  toBytes(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.flushedLength);
    let at = 0;
    for (const c of this.chunks) {
      out.set(materialise(c), at);
      at += c.length;
    }
    return out;
  }

  private tag(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire));
  }

  private varint(v: bigint): void {
    while (v >= 0x80n) {
      this.pending.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.pending.push(Number(v));
  }

  private push(c: Chunk, length: number): void {
    this.flush();
    this.chunks.push(c);
    this.flushedLength += length;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Uint8Array.from(this.pending));
    this.flushedLength += this.pending.length;
    this.pending = [];
  }
}

function materialise(c: Chunk): Uint8Array {
  if (c instanceof Uint8Array) return c;
  const bytes = c.produce();
  if (bytes.length !== c.length) throw new Error(`lazy chunk produced ${bytes.length} bytes, promised ${c.length}`);
  return bytes;
}
