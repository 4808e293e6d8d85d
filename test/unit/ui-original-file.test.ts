import { describe, expect, it } from 'vitest';
import { originalError, readOriginal } from '../../src/ui/original-file';

// Reading the original through its handle: permission first (asked only when not yet granted),
// then the file; every failure told to the person with the file name and what to do.
type State = 'granted' | 'prompt' | 'denied';

function handle(query: State | undefined, answer: State, getFile: () => Promise<File>) {
  const calls: string[] = [];
  const h = {
    kind: 'file',
    name: 'kite.jpg',
    getFile: () => (calls.push('getFile'), getFile()),
    ...(query && {
      queryPermission: (d: { mode: string }) => (calls.push(`query:${d.mode}`), Promise.resolve(query)),
      requestPermission: (d: { mode: string }) => (calls.push(`request:${d.mode}`), Promise.resolve(answer)),
    }),
  };
  return { h: h as unknown as FileSystemFileHandle, calls };
}

const file = new File([new Uint8Array([1])], 'kite.jpg');
const named = (name: string) => Object.assign(new Error(`${name} from the browser`), { name });

describe('readOriginal', () => {
  it('reads at once when reading is granted', async () => {
    const { h, calls } = handle('granted', 'denied', () => Promise.resolve(file));
    expect(await readOriginal(h)).toBe(file);
    expect(calls).toEqual(['query:read', 'getFile']);
  });

  it('asks for read access when needed', async () => {
    const { h, calls } = handle('prompt', 'granted', () => Promise.resolve(file));
    expect(await readOriginal(h)).toBe(file);
    expect(calls).toEqual(['query:read', 'request:read', 'getFile']);
  });

  it('refused: NotAllowedError, the file is not read', async () => {
    const { h, calls } = handle('prompt', 'denied', () => Promise.resolve(file));
    await expect(readOriginal(h)).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(calls).toEqual(['query:read', 'request:read']);
  });

  it('without the permission methods (older engines), just reads', async () => {
    const { h, calls } = handle(undefined, 'denied', () => Promise.resolve(file));
    expect(await readOriginal(h)).toBe(file);
    expect(calls).toEqual(['getFile']);
  });

  it('a moved or deleted file rejects with the browser\'s NotFoundError', async () => {
    const { h } = handle('granted', 'granted', () => Promise.reject(named('NotFoundError')));
    await expect(readOriginal(h)).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});

describe('originalError', () => {
  it('names the file and says what to do, by error name', () => {
    expect(originalError(named('NotAllowedError'), 'kite.jpg')).toBe('Glimpse may not read the original of kite.jpg. Press "Open original" again and allow access when the browser asks (or allow it in the site settings).');
    expect(originalError(named('NotFoundError'), 'kite.jpg')).toBe('The original of kite.jpg was moved or deleted; the thumbnail and description stay. Add the photo again from its new place to open it from here.');
    expect(originalError(named('NotReadableError'), 'kite.jpg')).toContain('kite.jpg could not be read');
    expect(originalError(named('TypeError'), 'kite.jpg')).toBe('Could not open the original of kite.jpg: TypeError from the browser');
  });
});
