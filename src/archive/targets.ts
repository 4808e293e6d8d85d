// Where an export's bytes go, as a WritableStream. A file the person picked (showSaveFilePicker's
// handle, written from the worker), or, where there is no save picker, a file in the origin
// private file system (on disk, never in memory) that the page then downloads.

/** Temporary export files in the origin private file system start with this. */
export const TEMP_PREFIX = 'glimpse-export-';

/** A sync access handle as a WritableStream (browsers whose OPFS lacks createWritable in workers). */
function syncHandleStream(handle: { write(b: Uint8Array, o: { at: number }): number; flush(): void; close(): void; truncate(n: number): void }): WritableStream<Uint8Array> {
  let at = 0;
  return new WritableStream<Uint8Array>({
    write(chunk) {
      at += handle.write(chunk, { at });
    },
    close() {
      handle.truncate(at);
      handle.flush();
      handle.close();
    },
    abort() {
      handle.close();
    },
  });
}

type SyncCapable = FileSystemFileHandle & { createSyncAccessHandle?(): Promise<Parameters<typeof syncHandleStream>[0]> };

/** A writable over a file handle: createWritable where the browser has it, else a sync access handle (OPFS, workers). */
export async function writableFor(handle: FileSystemFileHandle): Promise<WritableStream<Uint8Array>> {
  if ('createWritable' in handle) return (await handle.createWritable()) as unknown as WritableStream<Uint8Array>;
  const sync = (handle as SyncCapable).createSyncAccessHandle;
  if (sync) return syncHandleStream(await sync.call(handle));
  throw new Error('This browser cannot write files here.');
}

type Directory = FileSystemDirectoryHandle & { keys(): AsyncIterable<string> };

/** A new temporary export file in the origin private file system; older ones are removed first. */
export async function tempExportFile(name: string): Promise<{ handle: FileSystemFileHandle; fileName: string }> {
  const root = (await navigator.storage.getDirectory()) as Directory;
  await removeTempExports(root);
  const fileName = `${TEMP_PREFIX}${Date.now()}-${name}`;
  return { handle: await root.getFileHandle(fileName, { create: true }), fileName };
}

/** Removes the temporary file of an export that failed or was cancelled (its partial bytes are of no use). */
export async function removeTempExport(fileName: string): Promise<void> {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(fileName).catch(() => {});
}

/** Removes earlier temporary exports (their downloads finished long ago, or were abandoned). */
export async function removeTempExports(root?: Directory): Promise<void> {
  const dir = root ?? ((await navigator.storage.getDirectory()) as Directory);
  const names: string[] = [];
  for await (const key of dir.keys()) if (key.startsWith(TEMP_PREFIX)) names.push(key);
  // A file still being read by a download may refuse removal: it goes next time.
  await Promise.all(names.map((n) => dir.removeEntry(n).catch(() => {})));
}
