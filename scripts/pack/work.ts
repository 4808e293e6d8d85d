// The pack command's work folder (<out>.work/): one analysed photo per SHA-256, written as it is
// done, so an interrupted run resumes and a re-run analyses only new photos. Shards write their
// own work folders; pack:merge joins them (same files, any order).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PackItem } from '../../src/core/pack/write.ts';

/** One analysed photo as the pack writer takes it (src/core/pack/write.ts). */
export type WorkItem = PackItem & { thumb: Uint8Array; text: Float32Array; visual: Float32Array };

type Stored = Omit<WorkItem, 'text' | 'visual' | 'thumb'> & { textDim: number; visualDim: number };

export class WorkFolder {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  has(sha256: string): boolean {
    return existsSync(path.join(this.dir, `${sha256}.json`));
  }

  /** Vectors and thumbnail first, the JSON last (renamed into place): a JSON file means a whole item. */
  put(item: WorkItem): void {
    const f = (ext: string): string => path.join(this.dir, `${item.sha256}.${ext}`);
    const vec = new Float32Array(item.text.length + item.visual.length);
    vec.set(item.text);
    vec.set(item.visual, item.text.length);
    writeFileSync(f('vec'), new Uint8Array(vec.buffer));
    writeFileSync(f('webp'), item.thumb);
    const { text, visual, thumb: _thumb, ...rest } = item;
    const stored: Stored = { ...rest, textDim: text.length, visualDim: visual.length };
    writeFileSync(f('json.tmp'), JSON.stringify(stored));
    renameSync(f('json.tmp'), f('json'));
  }

  items(): WorkItem[] {
    return readdirSync(this.dir)
      .filter((n) => n.endsWith('.json'))
      .map((n) => {
        const s = JSON.parse(readFileSync(path.join(this.dir, n), 'utf8')) as Stored;
        const raw = readFileSync(path.join(this.dir, `${s.sha256}.vec`));
        const vec = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
        if (vec.length !== s.textDim + s.visualDim) throw new Error(`${this.dir}/${s.sha256}.vec: ${vec.length} floats, expected ${s.textDim + s.visualDim}; delete it and its .json to analyse the photo again.`);
        const { textDim, visualDim: _v, ...rest } = s;
        return { ...rest, text: vec.slice(0, textDim), visual: vec.slice(textDim), thumb: new Uint8Array(readFileSync(path.join(this.dir, `${s.sha256}.webp`))) };
      });
  }
}
