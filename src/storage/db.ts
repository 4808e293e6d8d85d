// The one IndexedDB schema. Every version bump adds a step to MIGRATIONS; steps never change once
// released (tests open a fixture of each released version).
//
// Adding version N+1:
// 1. Before changing anything, with the code of version N: `npm run build && npx tsx
//    test/fixtures/schema/make-fixture.ts` writes test/fixtures/schema/vN.json (a real library
//    made by that build). Commit it; test/unit/upgrade.test.ts fails while a released version
//    lacks its fixture.
// 2. Append the step to MIGRATIONS (never edit an earlier one) and update GlimpseSchema.
// 3. The upgrade test opens every fixture at its own version (MIGRATIONS.slice(0, v)), then with
//    the current code, and checks nothing was lost; extend it for what the new step adds.
import { openDB, type DBSchema, type IDBPDatabase, type IDBPObjectStore, type IDBPTransaction, type StoreNames } from 'idb';
import { FOREST_BLOCKS, upgradeForestStores } from './forest-idb-store';
import type { ImageRow, MetaRow, QueueRow, StoredQueueRow, ThumbRow, VectorRow } from './rows';

export const DB_NAME = 'glimpse';

export interface GlimpseSchema extends DBSchema {
  images: {
    key: number;
    value: ImageRow;
    indexes: { 'by-sha': string; 'by-added': number; 'by-taken': number; 'by-models': [string, string]; 'by-asked': [string, string, number] };
  };
  /** v4: bytes and type (ThumbRow); a Blob in libraries from before v4 until convertBlobs has run. */
  thumbs: { key: number; value: ThumbRow | Blob };
  /** Each image's vectors, int8 with a scale: for "more like this" and the consistency check. */
  vectors: { key: number; value: VectorRow };
  meta: { key: string; value: MetaRow };
  /** Files waiting to be indexed, with their bytes: indexing survives a reload. v4: bytes
   *  (StoredQueueRow); rows queued before v4 hold the File (QueueRow) until convertBlobs has run.
   *  'info' (v4) holds each row's small fields, so listing the queue reads no file bytes. */
  queue: { key: number; value: StoredQueueRow | QueueRow; indexes: { info: QueueInfoKey } };
  /** Blocks of both forests ('text', 'visual'), keyed [forestName, blockKey]; see forest-idb-store.ts. */
  [FOREST_BLOCKS]: { key: [string, string]; value: ArrayBuffer };
  /** v2: the original file's handle (File System Access), for "open the original"; undefined when none. */
  handles: { key: number; value: FileSystemFileHandle | undefined };
}

/** The queue's 'info' index key: these fields of a row, in this order (src/storage/queue-store.ts). */
export const QUEUE_INFO = ['name', 'path', 'type', 'lastModified', 'size', 'queuedAt'] as const;
export type QueueInfoKey = [string, string, string, number, number, number];

/** Meta row present while a library from before v4 may still hold Blobs (see convert-blobs.ts). */
export const BLOBS_PENDING = 'blobs-to-bytes';

export type GlimpseDB = IDBPDatabase<GlimpseSchema>;
type UpgradeTx = IDBPTransaction<GlimpseSchema, ArrayLike<StoreNames<GlimpseSchema>>, 'versionchange'>;
export type Migration = (db: GlimpseDB, tx: UpgradeTx) => void;

export const MIGRATIONS: Migration[] = [
  // v1: images (analytics record inline), thumbnails apart so listing stays light, key-value meta.
  (db) => {
    const images = db.createObjectStore('images', { keyPath: 'id', autoIncrement: true });
    images.createIndex('by-sha', 'sha256', { unique: true });
    images.createIndex('by-added', 'addedAt');
    db.createObjectStore('thumbs');
    db.createObjectStore('vectors');
    db.createObjectStore('meta', { keyPath: 'key' });
    db.createObjectStore('queue', { keyPath: 'id', autoIncrement: true });
    upgradeForestStores(db as unknown as IDBPDatabase<unknown>, 0);
  },
  // v2: file handles beside the rows (a handle is a live object; rows stay plain data), and
  // images by the date they were taken, for browsing by date.
  (db, tx) => {
    db.createObjectStore('handles');
    tx.objectStore('images').createIndex('by-taken', 'takenAt');
  },
  // v3: images by the models that described them and by how many captions were asked, so the count
  // of photos to re-analyse (workers/lib/refresh.ts) reads two indexes instead of every record.
  // Rows from before `captionsAsked` get it from their captions (what refresh.ts assumed for them).
  (_db, tx) => {
    const images = tx.objectStore('images');
    images.createIndex('by-models', ['record.models.captioner', 'record.models.embedder']);
    images.createIndex('by-asked', ['record.models.captioner', 'record.models.embedder', 'record.captionsAsked']);
    void fillCaptionsAsked(images);
  },
  // v4: bytes, not Blobs. WebKit refuses a Blob or File in IndexedDB in some session kinds
  // (Safari's private tabs, the automation session), so thumbnails and queued files are stored as
  // bytes with their type. An upgrade transaction cannot wait for a Blob's bytes (it would commit
  // meanwhile), so this step only marks the rewrite as pending: convertBlobs (convert-blobs.ts)
  // rewrites the old rows after the open, a few at a time, and every reader takes both forms.
  // Queue rows now carry their bytes, so the queue is listed from an index of its small fields.
  (_db, tx) => {
    tx.objectStore('queue').createIndex('info', [...QUEUE_INFO]);
    void tx.objectStore('meta').put({ key: BLOBS_PENDING, value: true });
  },
];

/** Pending requests keep the upgrade transaction open; a failure aborts it, and the open fails. */
async function fillCaptionsAsked(images: IDBPObjectStore<GlimpseSchema, ArrayLike<StoreNames<GlimpseSchema>>, 'images', 'versionchange'>): Promise<void> {
  for (let c = await images.openCursor(); c; c = await c.continue()) {
    const row = c.value as ImageRow;
    if (row.record.captionsAsked === undefined) await c.update({ ...row, record: { ...row.record, captionsAsked: row.record.captions.length } });
  }
}

export const DB_VERSION = MIGRATIONS.length;

/** Why the library cannot be used in this tab right now (another tab runs a newer or older version). */
export let versionConflict = '';

/** Opens (and upgrades) the library. `migrations` other than all of them: tests that build an old version. */
export function openGlimpseDB(name = DB_NAME, migrations: readonly Migration[] = MIGRATIONS): Promise<GlimpseDB> {
  const db = openDB<GlimpseSchema>(name, migrations.length, {
    upgrade(db, oldVersion, _newVersion, tx) {
      for (let v = oldVersion; v < migrations.length; v++) migrations[v]!(db, tx);
    },
    blocked() {
      // This tab upgrades; an older tab still holds the database open and has not let go.
      versionConflict = 'Glimpse was updated: close its other tabs (or reload them) so this one can open your library.';
    },
    blocking() {
      // A newer version wants to upgrade: let go at once (it waits for us), and say so here.
      versionConflict = 'Glimpse was updated in another tab: reload this page to keep using your library.';
      void db.then((d) => d.close());
    },
  });
  void db.then(() => {
    if (versionConflict.startsWith('Glimpse was updated: close')) versionConflict = '';
  });
  return db;
}
