// Why an image was not indexed. Comlink carries only name/message/stack across a worker
// boundary, so workers send a Rejection (code + message) and the bridge rebuilds the error.
import { GlimpseError } from '../errors';

export type RejectionCode =
  | 'empty'
  | 'not-an-image'
  | 'unsupported-format'
  | 'too-large-pixels'
  | 'too-large-bytes'
  | 'truncated'
  | 'corrupt';

export interface Rejection {
  code: RejectionCode;
  /** Plain text for people: names the file and says what to do. Never render it as HTML. */
  message: string;
}

export class ImageRejectedError extends GlimpseError {
  constructor(
    readonly code: RejectionCode,
    message: string,
  ) {
    super('ImageRejectedError', message);
  }

  static from(r: Rejection): ImageRejectedError {
    return new ImageRejectedError(r.code, r.message);
  }
}

// Control characters could break the line; bidi controls could reorder the sentence around
// a right-to-left name. Isolating the name (FSI … PDI) keeps the message readable either way.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** The file name as it appears inside a message. */
export function displayName(fileName: string): string {
  const clean = fileName.replace(UNSAFE, '\uFFFD');
  return clean ? `\u2068${clean}\u2069` : 'This file';
}
