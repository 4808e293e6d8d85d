// Opening the original photo through the file handle kept when it was added. Reading it needs the
// person's permission, asked in the page from a click (the prompt needs user activation).
import { GlimpseError } from '../core/errors';
import { errorMessage, errorName } from './errors';

/** queryPermission/requestPermission are not in TypeScript's DOM types yet; missing means no prompt is needed. */
type Permissions = {
  queryPermission?(d: { mode: 'read' }): Promise<PermissionState>;
  requestPermission?(d: { mode: 'read' }): Promise<PermissionState>;
};

/** The original as it is on the device now. Call from a click handler. Errors are named (see originalError). */
export async function readOriginal(handle: FileSystemFileHandle): Promise<File> {
  const h = handle as FileSystemFileHandle & Permissions;
  let state = (await h.queryPermission?.({ mode: 'read' })) ?? 'granted';
  if (state !== 'granted') state = (await h.requestPermission?.({ mode: 'read' })) ?? 'denied';
  if (state !== 'granted') throw new GlimpseError('NotAllowedError', 'Reading the original was not allowed.');
  return handle.getFile();
}

/** What went wrong, for the person: the file name and what to do. */
export function originalError(e: unknown, name: string): string {
  switch (errorName(e)) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Glimpse may not read the original of ${name}. Press "Open original" again and allow access when the browser asks (or allow it in the site settings).`;
    case 'NotFoundError':
      return `The original of ${name} was moved or deleted; the thumbnail and description stay. Add the photo again from its new place to open it from here.`;
    case 'NotReadableError':
      return `The original of ${name} could not be read (it may be in use or changed). Try again in a moment.`;
    default:
      return `Could not open the original of ${name}: ${errorMessage(e)}`;
  }
}
