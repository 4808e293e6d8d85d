// Why a library file is refused. The UI shows the message as is: it names the file, what is wrong
// and what to do. `name` is the contract across the worker boundary ('LibraryFileError').
import { GlimpseError } from '../errors.ts';

export type LibraryFileProblem =
  | 'empty'
  | 'not-zip'
  | 'truncated'
  | 'not-library'
  | 'newer-version'
  | 'bad-manifest'
  | 'counts'
  | 'checksum'
  | 'dimension'
  | 'not-finite'
  | 'too-large'
  | 'unsafe-name'
  | 'duplicate-entry'
  | 'duplicate-photo'
  | 'markup'
  | 'bad-record'
  | 'not-image'
  | 'missing-entry'
  | 'unreadable';

/** What to do, said once per kind. */
const ADVICE: Record<LibraryFileProblem, string> = {
  empty: 'Pick the .glimpse file that Glimpse saved; this one has no bytes (the export may not have finished).',
  'not-zip': 'Pick a library file saved by Glimpse (Settings → Library → Export library…).',
  truncated: 'The file was cut short (an unfinished download or copy). Export the library again, or copy the whole file.',
  'not-library': 'Pick a library file saved by Glimpse (Settings → Library → Export library…).',
  'newer-version': 'It was saved by a newer Glimpse: update this app (reload the page), then import it again.',
  'bad-manifest': 'The file was altered or damaged. Export the library again from Glimpse.',
  counts: 'The file was altered or damaged. Export the library again from Glimpse.',
  checksum: 'The file was altered or damaged after it was saved. Export the library again, or copy the file again.',
  dimension: 'The file was altered or damaged. Export the library again from Glimpse.',
  'not-finite': 'The file was altered or damaged. Export the library again from Glimpse.',
  'too-large': 'Glimpse refuses parts this large (it could exhaust memory). Export the library again from Glimpse.',
  'unsafe-name': 'Glimpse never writes such names: the file was not saved by Glimpse or was altered.',
  'duplicate-entry': 'Glimpse never writes two entries with one name: the file was altered.',
  'duplicate-photo': 'A library holds each photo once: the file was altered. Export the library again from Glimpse.',
  markup: 'Glimpse stores names and captions as plain text and never writes markup into them: the file was altered.',
  'bad-record': 'The file was altered or damaged. Export the library again from Glimpse.',
  'not-image': 'The file was altered or damaged. Export the library again from Glimpse.',
  'missing-entry': 'The file is incomplete or altered. Export the library again from Glimpse.',
  unreadable: 'The file could not be read (moved, changed or on a disconnected drive). Pick it again.',
};

export class LibraryFileError extends GlimpseError {
  constructor(
    readonly problem: LibraryFileProblem,
    fileName: string,
    what: string,
  ) {
    super('LibraryFileError', `${fileName}: ${what} Nothing was imported. ${ADVICE[problem]}`);
  }
}
