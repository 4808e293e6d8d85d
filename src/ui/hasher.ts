// Perceptual hashes for photos indexed before the app kept them: one at a time from the stored
// thumbnail, in the background pass (refresher.svelte.ts), only while the indexing queue is idle.
// New photos get theirs when decoded, so once a pass finds none missing it is not run again.
import { hashNextImage, unhashedCount } from '../bridge/bridge';

let finished = false;

/** Hashes photos that lack one while `idle()` holds. True once none is left. */
export async function hashMissing(idle: () => boolean): Promise<boolean> {
  if (finished) return true;
  if ((await unhashedCount()) === 0) return (finished = true);
  let after = 0;
  while (idle()) {
    const id = await hashNextImage(after);
    if (id === undefined) return (finished = true);
    after = id;
  }
  return false;
}
