// A small filesystem made for one test: a tmpfs mounted on a fresh directory, so Chromium's profile
// (and so IndexedDB) really runs out of space. Mounting needs root (or CAP_SYS_ADMIN); where it is
// not permitted, `mountRefusal()` says why and the test is skipped under a title that says so.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Why a tmpfs cannot be mounted here (tried once: mount and unmount a 1 MB one), or '' when it can. */
export function mountRefusal(): string {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  let dir: string | undefined;
  try {
    dir = mkdtempSync(path.join(tmpdir(), 'glimpse-mount-probe-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'pipe' });
    execFileSync('umount', [dir], { stdio: 'pipe' });
    return '';
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    return (err.stderr?.toString().trim() || err.message).split('\n')[0]!;
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

export class SmallDisk {
  readonly dir: string;
  private fillerPath: string;

  constructor(sizeMB: number) {
    this.dir = mkdtempSync(path.join(tmpdir(), 'glimpse-small-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMB}m`, 'tmpfs', this.dir], { stdio: 'pipe' });
    this.fillerPath = path.join(this.dir, 'filler');
  }

  /** Bytes still free for writing. */
  free(): number {
    const s = statfsSync(this.dir);
    return s.bavail * s.bsize;
  }

  /** Takes all free space but `leave` bytes with a dummy file (zeros written, so tmpfs holds them). */
  fill(leave: number): void {
    const fd = openSync(this.fillerPath, 'a');
    const chunk = Buffer.alloc(1 << 20);
    try {
      for (let want = this.free() - leave; want > 0; want = this.free() - leave) writeSync(fd, chunk, 0, Math.min(chunk.length, want));
    } finally {
      closeSync(fd);
    }
  }

  /** Frees the dummy file's space. */
  unfill(): void {
    rmSync(this.fillerPath, { force: true });
  }

  remove(): void {
    try {
      execFileSync('umount', [this.dir], { stdio: 'pipe' });
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
