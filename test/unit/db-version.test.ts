import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import * as dbModule from '../../src/storage/db';

// An old tab must not hold a new version's upgrade hostage: it lets go and says to reload.
describe('schema upgrade with another tab open', () => {
  it('the older connection closes when a newer version opens, and knows why', async () => {
    const name = 'version-conflict';
    const old = await dbModule.openGlimpseDB(name, dbModule.MIGRATIONS.slice(0, 1));
    expect(old.version).toBe(1);
    const fresh = await Promise.race([dbModule.openGlimpseDB(name), new Promise<'stuck'>((ok) => setTimeout(() => ok('stuck'), 2000))]);
    expect(fresh).not.toBe('stuck');
    expect((fresh as Awaited<ReturnType<typeof dbModule.openGlimpseDB>>).version).toBe(dbModule.DB_VERSION);
    expect(dbModule.versionConflict).toContain('reload this page');
  });
});
