// Errors arrive from workers as name + message (comlink carries nothing else).
export const errorName = (e: unknown): string => (typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : 'Error');

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const isAbort = (e: unknown): boolean => errorName(e) === 'AbortError';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
