// Image intake for workers and the bridge: sniff the bytes, check them against the limits, and
// name the reason when a file is refused.
export { sniffImage } from './sniff';
export { checkByteLength, checkIntake, decodeFailure, type IntakeCheck } from './intake';
export { ImageRejectedError, displayName, type Rejection, type RejectionCode } from './rejection';
export { DEFAULT_LIMITS, type ImageKind, type IntakeLimits, type SniffResult } from './types';
