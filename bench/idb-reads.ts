// npm run bench:idb -- [--records 20000] [--sizes 400,2800,20000] [--counts 20,100,400] [--rounds 25]
//   [--passes 2] [--incognito] [--json]
// What an IndexedDB read costs in headless Chromium, apart from any forest: batches of random
// single-key gets (all issued at once in one readonly transaction, as the forest reads leaf
// blocks) and one getAll over a key range, per value size. It separates the cost per request from
// the cost per byte, which decides how a disk-resident index should lay out its blocks.
// The profile is on disk, as a person's is: an incognito context (--incognito) keeps IndexedDB in
// memory, where random gets are cheaper than on disk and so flatter a layout. Each pass repeats
// every measurement: the first one, right after the load, also pays for the store settling.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ARGS, CHROMIUM } from '../test/browser/helpers/browser.ts';
import { numList, parseArgs } from './lib/args.ts';

const args = parseArgs(process.argv.slice(2));
const records = Number(args.get('records') ?? 20000);
const sizes = numList(args.get('sizes') ?? '400,2800,20000');
const counts = numList(args.get('counts') ?? '20,100,400');
const rounds = Number(args.get('rounds') ?? 25);
const passes = Number(args.get('passes') ?? 2);
const json = args.get('json') === 'true';

interface Row {
  pass: number;
  size: number;
  count: number;
  how: 'gets' | 'range';
  p50Ms: number;
  p90Ms: number;
  usPerRecord: number;
}

// IndexedDB needs an origin: an empty page from a local server.
const server = http.createServer((_q, r) => r.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>idb</title>'));
await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
const profile = args.get('incognito') === 'true' ? undefined : mkdtempSync(join(tmpdir(), 'glimpse-idb-bench-'));
const context = profile ? await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true }) : await (await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true })).newContext();
try {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const rows = await page.evaluate(
    async ({ records, sizes, counts, rounds, passes }) => {
      // (No named helper functions: tsx would wrap them in a __name() the page does not have.)
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open('bench-idb', 1);
        r.onupgradeneeded = () => sizes.forEach((s) => r.result.createObjectStore(`s${s}`));
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      for (const size of sizes) {
        for (let c = 0; c < records; c += 500) {
          await new Promise<void>((ok) => {
            const tx = db.transaction(`s${size}`, 'readwrite');
            for (let i = c; i < Math.min(records, c + 500); i++) {
              const v = new Uint8Array(size);
              crypto.getRandomValues(v.subarray(0, Math.min(size, 65536)));
              tx.objectStore(`s${size}`).put(v.buffer, `k/${String(i).padStart(8, '0')}`);
            }
            tx.oncomplete = () => ok();
          });
        }
      }
      const out: Row[] = [];
      for (let pass = 1; pass <= passes; pass++) for (const size of sizes) {
        for (const count of counts) {
          for (const how of ['gets', 'range'] as const) {
            const times: number[] = [];
            for (let r = 0; r < rounds; r++) {
              const t0 = performance.now();
              await new Promise<void>((ok) => {
                const store = db.transaction(`s${size}`).objectStore(`s${size}`);
                if (how === 'range') {
                  const start = Math.floor(Math.random() * (records - count));
                  store.getAll(IDBKeyRange.bound(`k/${String(start).padStart(8, '0')}`, `k/${String(start + count - 1).padStart(8, '0')}`)).onsuccess = () => ok();
                  return;
                }
                let left = count;
                for (let i = 0; i < count; i++) {
                  store.get(`k/${String(Math.floor(Math.random() * records)).padStart(8, '0')}`).onsuccess = () => {
                    if (--left === 0) ok();
                  };
                }
              });
              times.push(performance.now() - t0);
            }
            times.sort((a, b) => a - b);
            const p50 = times[Math.floor(times.length / 2)]!, p90 = times[Math.min(times.length - 1, Math.floor(times.length * 0.9))]!;
            out.push({ pass, size, count, how, p50Ms: +p50.toFixed(2), p90Ms: +p90.toFixed(2), usPerRecord: +((p50 * 1000) / count).toFixed(1) });
          }
        }
      }
      db.close();
      return out;
    },
    { records, sizes, counts, rounds, passes },
  );
  console.log(`IndexedDB reads in headless Chromium (${profile ? 'profile on disk' : 'incognito: in memory'}): ${records} records per value size, median of ${rounds} rounds each`);
  console.log('pass  value bytes  records  how                        p50 ms   p90 ms   µs/record');
  for (const r of rows) {
    const how = r.how === 'gets' ? 'random gets, one transaction' : 'one getAll over a key range';
    console.log(`${String(r.pass).padStart(4)}  ${String(r.size).padStart(11)}  ${String(r.count).padStart(7)}  ${how.padEnd(27)}${r.p50Ms.toFixed(2).padStart(7)}  ${r.p90Ms.toFixed(2).padStart(7)}  ${r.usPerRecord.toFixed(1).padStart(10)}`);
  }
  if (json) console.log(JSON.stringify({ records, rounds, onDisk: !!profile, rows }));
} finally {
  await context.browser()?.close();
  await context.close();
  server.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
}
