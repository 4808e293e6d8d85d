// Object URLs for <img> elements. An <img> must never hold a revoked URL: a lazy one below the
// fold fetches its src only when it nears the viewport, and a revoked blob: URL then fails
// (net::ERR_FILE_NOT_FOUND, a thumbnail that never shows).
import { tick } from 'svelte';

/** onload/onerror of an <img> showing an object URL: once loaded it keeps its pixels, so the URL
 *  (and the Blob it pins) can go at once, instead of piling up as a long grid is scrolled. */
export function releaseLoaded(e: Event): void {
  const src = (e.currentTarget as HTMLImageElement).getAttribute('src');
  if (src?.startsWith('blob:')) URL.revokeObjectURL(src);
}

/** Revokes a URL that state just stopped showing, after the DOM update that takes it off the <img>. */
export function revokeAfterUpdate(url: string): void {
  void tick().then(() => URL.revokeObjectURL(url));
}
