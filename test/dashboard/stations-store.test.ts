/**
 * The station store across restarts: the config seeds only what the store has never had, so a
 * station revoked on the dashboard stays revoked and a replaced password stays replaced even
 * though the config still lists the old ones.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '#core/node/sqlite.ts';
import { MIGRATIONS } from '#server/db/migrations.ts';
import { StationError, StationStore } from '#server/stations/store.ts';

describe('station store across restarts', () => {
  it('keeps revocations and replacements over the config at the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openshelf-stations-store-'));
    try {
      const file = join(dir, 'library.sqlite');
      const devices = [
        { username: 'kiosk-1', password: 'pw-kiosk-1', role: 'kiosk' },
        { username: 'dropbox-1', password: 'pw-dropbox-1', role: 'dropbox' },
        { username: 'counter-1', password: 'pw-counter-1', role: 'counter' },
      ];
      let db = openDatabase(file, MIGRATIONS);
      let store = new StationStore(db);
      assert.deepEqual(store.seed(devices), ['kiosk-1', 'dropbox-1', 'counter-1']);
      assert.deepEqual([...store.dropboxes], ['dropbox-1']);
      store.revoke('dropbox-1');
      const { password } = store.replace('kiosk-1');
      db.close();

      db = openDatabase(file, MIGRATIONS);
      store = new StationStore(db);
      assert.deepEqual(store.seed([...devices, { username: 'kiosk-2', password: 'pw-kiosk-2', role: 'kiosk' }]), ['kiosk-2'], 'only the new device');
      assert.equal(store.roles.has('dropbox-1'), false);
      assert.equal(store.dropboxes.size, 0);
      assert.equal(await store.verify('dropbox-1', 'pw-dropbox-1'), null, 'revoked stays revoked');
      assert.equal(await store.verify('kiosk-1', 'pw-kiosk-1'), null, 'the config\'s old password stays refused');
      assert.equal((await store.verify('kiosk-1', password))?.generation, 2);
      assert.equal((await store.verify('counter-1', 'pw-counter-1'))?.role, 'counter');
      assert.throws(() => store.replace('dropbox-1'), (e: StationError) => e.code === 'REVOKED');
      assert.throws(() => store.add('dropbox-1', 'dropbox'), (e: StationError) => e.code === 'DEVICE_TAKEN');
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
