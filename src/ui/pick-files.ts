// Turns what the person gave us (picked files, a folder, a drop, a paste) into image files with
// their paths. Subfolders are followed; anything that is not an image is skipped and counted.
import type { PickedFile } from '../bridge/bridge';

export interface Picked {
  files: PickedFile[];
  skipped: number;
}

const IMAGE_EXT = /\.(jpe?g|png|gif|webp|bmp|avif|heic|heif|tiff?)$/i;

export const isImage = (f: File): boolean => f.type.startsWith('image/') || (f.type === '' && IMAGE_EXT.test(f.name));

export function sortImages(all: PickedFile[]): Picked {
  const files = all.filter((p) => isImage(p.file));
  return { files, skipped: all.length - files.length };
}

/** Files from an <input type=file> (with webkitRelativePath when it was a folder input). */
export function fromFileList(list: FileList | readonly File[]): Picked {
  return sortImages(Array.from(list, (file) => ({ file, path: file.webkitRelativePath || file.name })));
}

type DirHandle = FileSystemDirectoryHandle & { values(): AsyncIterable<FileSystemHandle> };

/** Walks a folder picked with showDirectoryPicker, subfolders included. Each file keeps its handle. */
export async function fromDirectoryHandle(dir: DirHandle, prefix = `${dir.name}/`): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  for await (const entry of dir.values()) {
    if (entry.kind === 'file') {
      const handle = entry as FileSystemFileHandle;
      out.push({ file: await handle.getFile(), path: prefix + entry.name, handle });
    } else out.push(...(await fromDirectoryHandle(entry as DirHandle, `${prefix}${entry.name}/`)));
  }
  return out;
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function fromEntry(entry: FileSystemEntry): Promise<PickedFile[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [{ file, path: entry.fullPath.replace(/^\//, '') || file.name }];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const out: PickedFile[] = [];
  // readEntries returns at most 100 entries per call: read until it returns none.
  for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader)) {
    for (const e of batch) out.push(...(await fromEntry(e)));
  }
  return out;
}

/** What was dropped or pasted: files, and whole folders where the browser exposes entries. */
export async function fromDataTransfer(dt: DataTransfer): Promise<Picked> {
  // Taken now: after the event the browser empties the DataTransfer.
  const files = Array.from(dt.files);
  const entries = Array.from(dt.items, (item) => (item.kind === 'file' ? item.webkitGetAsEntry() : null));
  if (entries.length > 0 && entries.every((e) => e !== null)) {
    try {
      return sortImages((await Promise.all(entries.map((e) => fromEntry(e!)))).flat());
    } catch {
      // WebKit gives entries that cannot be read (NotFoundError) for files that are no folder's,
      // e.g. put in the DataTransfer by a page script: the files themselves can be read.
    }
  }
  return fromFileList(files);
}

export const hasDirectoryPicker = (): boolean => 'showDirectoryPicker' in window;

export async function pickDirectory(): Promise<Picked> {
  const picker = (window as unknown as { showDirectoryPicker(o?: { mode: string }): Promise<DirHandle> }).showDirectoryPicker;
  return sortImages(await fromDirectoryHandle(await picker({ mode: 'read' })));
}

type OpenFilePicker = (o?: { multiple?: boolean; types?: Array<{ description: string; accept: Record<string, string[]> }> }) => Promise<FileSystemFileHandle[]>;

/** showOpenFilePicker gives handles (the original can be opened later); elsewhere the file input is used. */
export const hasFilePicker = (): boolean => 'showOpenFilePicker' in window;

export async function pickFiles(): Promise<Picked> {
  const accept = { 'image/*': ['.jpg', '.jpeg', '.png', '.gif', '.webp', '.bmp', '.avif', '.heic', '.heif', '.tif', '.tiff'] };
  const handles = await (window as unknown as { showOpenFilePicker: OpenFilePicker }).showOpenFilePicker({ multiple: true, types: [{ description: 'Photos', accept }] });
  return sortImages(await Promise.all(handles.map(async (handle) => ({ file: await handle.getFile(), path: handle.name, handle }))));
}
