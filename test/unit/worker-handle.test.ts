import * as Comlink from 'comlink';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { WorkerHandle } from '../../src/bridge/worker-handle';

// A stand-in Worker: the "worker side" runs in this thread on the other end of a MessageChannel.
interface FakeApi {
  cancel(callId: number): void;
  echo(buf: ArrayBuffer): number;
  polite(callId: number): Promise<string>;
  stubborn(callId: number): Promise<string>;
  /** Ignores the cancel and answers after `ms` (a write already under way). */
  late(ms: number): Promise<string>;
  fail(): void;
}

function fakeWorkers(): { spawn: () => Worker; spawned: number; terminated: number } {
  const stats = { spawned: 0, terminated: 0, spawn: (): Worker => undefined as unknown as Worker };
  stats.spawn = () => {
    stats.spawned++;
    const { port1, port2 } = new MessageChannel();
    const pending = new Map<number, (reason: Error) => void>();
    const api: FakeApi = {
      cancel: (id) => pending.get(id)?.(Object.assign(new Error('cancelled'), { name: 'AbortError' })),
      echo: (buf) => buf.byteLength,
      polite: (id) => new Promise((_, reject) => pending.set(id, reject)),
      stubborn: () => new Promise(() => {}),
      late: (ms) => new Promise((resolve) => setTimeout(() => resolve('landed'), ms)),
      fail: () => {
        throw Object.assign(new Error('model missing'), { name: 'ModelUnavailableError' });
      },
    };
    Comlink.expose(api, port2 as unknown as Comlink.Endpoint);
    const port = port1 as MessagePort & { terminate?: () => void };
    port.terminate = () => {
      stats.terminated++;
      port1.close();
      port2.close();
    };
    return port as unknown as Worker;
  };
  return stats;
}

describe('WorkerHandle', () => {
  it('transfers buffers instead of copying them', async () => {
    const w = fakeWorkers();
    const handle = new WorkerHandle<FakeApi>(w.spawn);
    const buf = new ArrayBuffer(1024);
    const n = await handle.call(undefined, (r) => r.echo(Comlink.transfer(buf, [buf])));
    expect(n).toBe(1024);
    expect(buf.byteLength).toBe(0);
    handle.terminate();
  });

  it('carries the error name across the boundary', async () => {
    const handle = new WorkerHandle<FakeApi>(fakeWorkers().spawn);
    await expect(handle.call(undefined, (r) => r.fail())).rejects.toMatchObject({ name: 'ModelUnavailableError', message: 'model missing' });
    handle.terminate();
  });

  it('cancels a cooperative call without terminating the worker', async () => {
    const w = fakeWorkers();
    const handle = new WorkerHandle<FakeApi>(w.spawn);
    const ctl = new AbortController();
    const p = handle.call(ctl.signal, (r, id) => r.polite(id));
    setTimeout(() => ctl.abort(), 10);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((r) => setTimeout(r, 900));
    expect(w.terminated).toBe(0);
    handle.terminate();
  });

  it('with keepWorker, a cancel only asks: the worker (busy with other work) is never terminated', async () => {
    const w = fakeWorkers();
    const handle = new WorkerHandle<FakeApi>(w.spawn);
    const ctl = new AbortController();
    const p = handle.call(ctl.signal, (r, id) => r.stubborn(id), { keepWorker: true });
    ctl.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    // A call that outlasts the grace period answers: a terminated worker would have failed it.
    expect(await handle.call(undefined, (r) => r.late(1000))).toBe('landed');
    expect(w.terminated).toBe(0);
    expect(w.spawned).toBe(1);
    handle.terminate();
  });

  it('terminates and replaces a worker that ignores the cancel', async () => {
    const w = fakeWorkers();
    const handle = new WorkerHandle<FakeApi>(w.spawn);
    const ctl = new AbortController();
    const p = handle.call(ctl.signal, (r, id) => r.stubborn(id));
    setTimeout(() => ctl.abort(), 10);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    await expect.poll(() => w.terminated, { timeout: 2000 }).toBe(1);
    expect(handle.alive).toBe(false);
    expect(await handle.call(undefined, (r) => r.echo(new ArrayBuffer(3)))).toBe(3);
    expect(w.spawned).toBe(2);
    handle.terminate();
  });

  it('tells other calls on a terminated worker that it was restarted, instead of leaving them hanging', async () => {
    const w = fakeWorkers();
    const handle = new WorkerHandle<FakeApi>(w.spawn);
    const ctl = new AbortController();
    const other = handle.call(undefined, (r, id) => r.stubborn(id));
    const cancelled = handle.call(ctl.signal, (r, id) => r.stubborn(id));
    ctl.abort();
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    await expect(other).rejects.toMatchObject({ name: 'WorkerRestartedError' });
    expect(w.terminated).toBe(1);
  });

  it('a read that a restart took runs again on the new worker (the next search while the previous one is cancelled)', async () => {
    const w = fakeWorkers();
    const handle = new WorkerHandle<FakeApi>(w.spawn);
    const ctl = new AbortController();
    const previous = handle.call(ctl.signal, (r, id) => r.stubborn(id));
    // In flight on the same worker, and slower than the cancel's grace: the restart takes it.
    const next = handle.call(undefined, (r) => r.late(1500), { restartable: true });
    ctl.abort();
    await expect(previous).rejects.toMatchObject({ name: 'AbortError' });
    await expect(next).resolves.toBe('landed');
    expect([w.spawned, w.terminated]).toEqual([2, 1]);
    handle.terminate();
  });

  it('with settle, a cancelled call answers only once the worker has stopped', async () => {
    const w = fakeWorkers();
    const handle = new WorkerHandle<FakeApi>(w.spawn);
    // The worker finishes anyway within the grace period: its result comes back, nothing is terminated.
    let ctl = new AbortController();
    const started = performance.now();
    const landed = handle.call(ctl.signal, () => handle.remote.late(200), { settle: true });
    ctl.abort();
    expect(await landed).toBe('landed');
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(w.terminated).toBe(0);
    // The worker honours the cancel: AbortError, after its answer.
    ctl = new AbortController();
    const polite = handle.call(ctl.signal, (r, id) => r.polite(id), { settle: true });
    ctl.abort();
    await expect(polite).rejects.toMatchObject({ name: 'AbortError' });
    expect(w.terminated).toBe(0);
    // The worker ignores it: AbortError once it has been terminated (not WorkerRestartedError).
    ctl = new AbortController();
    const stubborn = handle.call(ctl.signal, (r, id) => r.stubborn(id), { settle: true });
    ctl.abort();
    await expect(stubborn).rejects.toMatchObject({ name: 'AbortError' });
    expect(w.terminated).toBe(1);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const w = fakeWorkers();
    const handle = new WorkerHandle<FakeApi>(w.spawn);
    await expect(handle.call(AbortSignal.abort(), (r) => r.echo(new ArrayBuffer(1)))).rejects.toMatchObject({ name: 'AbortError' });
    expect(w.spawned).toBe(0);
  });

  it('recycleWhenIdle ends the worker once the reads in flight are answered (low-memory mode after indexing)', async () => {
    const w = fakeWorkers();
    const handle = new WorkerHandle<FakeApi>(w.spawn);
    const read = handle.call(undefined, (r) => r.late(100), { idleRead: true });
    expect(handle.recycleWhenIdle()).toBe(false);
    // Another status read meanwhile does not call it off; the read in flight is answered, not lost.
    const second = handle.call(undefined, (r) => r.late(150), { idleRead: true });
    await expect(read).resolves.toBe('landed');
    expect(w.terminated).toBe(0);
    await expect(second).resolves.toBe('landed');
    await expect.poll(() => w.terminated, { timeout: 2000 }).toBe(1);
    expect(handle.alive).toBe(false);
    // Idle: it ends at once.
    await handle.call(undefined, (r) => r.echo(new ArrayBuffer(1)));
    expect(handle.recycleWhenIdle()).toBe(true);
    expect(w.terminated).toBe(2);
  });

  it('a call that wants the worker (a search, an add) calls a waiting recycle off', async () => {
    const w = fakeWorkers();
    const handle = new WorkerHandle<FakeApi>(w.spawn);
    const read = handle.call(undefined, (r) => r.late(50), { idleRead: true });
    expect(handle.recycleWhenIdle()).toBe(false);
    const work = handle.call(undefined, (r) => r.late(100));
    await Promise.all([read, work]);
    await new Promise((r) => setTimeout(r, 50));
    expect(w.terminated).toBe(0);
    expect(handle.alive).toBe(true);
    handle.terminate();
  });
});
