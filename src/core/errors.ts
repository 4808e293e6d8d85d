// Named errors. Comlink carries only name/message/stack across a worker boundary,
// so `name` is the contract: the UI tells errors apart by it, never by class.

export class GlimpseError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** Thrown when an AbortSignal fired; matches the DOM's AbortError name. */
export class AbortError extends GlimpseError {
  constructor(message = 'The operation was cancelled.') {
    super('AbortError', message);
  }
}

/** Core has no DOM lib, so it accepts anything shaped like an AbortSignal. */
export interface SignalLike {
  readonly aborted: boolean;
}

export function throwIfAborted(signal: SignalLike | undefined): void {
  if (signal?.aborted) throw new AbortError();
}

export function isNamedError(e: unknown, name: string): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === name;
}
