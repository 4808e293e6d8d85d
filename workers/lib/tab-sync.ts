// Several tabs on one library. Each tab's worker writes only under the 'glimpse-write' Web Lock
// (readers that re-read state take it shared), and announces every change on the 'glimpse'
// BroadcastChannel: other tabs' workers then know their in-memory state is stale, their pages
// re-read counts. Without Web Locks (Node, old browsers) there is one writer anyway: run directly.

/** Channel and lock names; the page side (src/bridge/tabs.ts) uses the same channel name. */
export const CHANNEL = 'glimpse';
export const WRITE_LOCK = 'glimpse-write';

/** 'upgrading': a newer version of the app wants the database (no ids); each page asks its own worker whether it still may use it. */
export type ChangeKind = 'added' | 'removed' | 'replaced' | 'queued' | 'dequeued' | 'queue-cleared' | 'upgrading';

/** What a tab announces after a write: image ids for added/removed, queue ids for the queue kinds. */
export interface LibraryChange {
  kind: ChangeKind;
  ids: number[];
}

type Locks = { request<T>(name: string, options: { mode: 'exclusive' | 'shared' }, fn: () => Promise<T>): Promise<T> };

function locks(): Locks | undefined {
  return (globalThis as { navigator?: { locks?: Locks } }).navigator?.locks;
}

let localTail: Promise<unknown> = Promise.resolve();

/** Runs `fn` as the only writer across tabs (without Web Locks: the only writer in this realm). */
export function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const l = locks();
  if (l) return l.request(WRITE_LOCK, { mode: 'exclusive' }, fn);
  const run = localTail.then(fn, fn);
  localTail = run.catch(() => undefined);
  return run;
}

/** Runs `fn` while no tab writes (reads that span several transactions, e.g. opening a forest). */
export function shared<T>(fn: () => Promise<T>): Promise<T> {
  const l = locks();
  return l ? l.request(WRITE_LOCK, { mode: 'shared' }, fn) : fn();
}

let channel: BroadcastChannel | undefined;
let stale = false;
const replaced = new Set<number>();

function open(): BroadcastChannel | undefined {
  if (channel || typeof BroadcastChannel === 'undefined') return channel;
  channel = new BroadcastChannel(CHANNEL);
  // Node keeps a process alive while a channel is referenced (benchmarks run the library there).
  (channel as { unref?: () => void }).unref?.();
  channel.onmessage = (e: MessageEvent<LibraryChange>) => {
    if (e.data.kind === 'added' || e.data.kind === 'removed') stale = true;
    if (e.data.kind === 'replaced') {
      stale = true;
      for (const id of e.data.ids) replaced.add(id);
    }
  };
  return channel;
}

/** Starts listening: from now on, another tab's library write marks this worker's state stale. */
export function listen(): void {
  open();
}

export function announce(kind: ChangeKind, ids: readonly number[]): void {
  open()?.postMessage({ kind, ids: [...ids] } satisfies LibraryChange);
}

/** True once after another tab wrote to the library (then the caller catches up). */
export function takeStale(): boolean {
  const was = stale;
  stale = false;
  return was;
}

/** Images another tab re-analysed since the last call (their words changed, not their ids). */
export function takeReplaced(): number[] {
  const ids = [...replaced];
  replaced.clear();
  return ids;
}
