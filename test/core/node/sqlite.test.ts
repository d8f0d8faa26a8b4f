/** core/node/sqlite.ts openDatabase: migrations in order, once; a database newer than the code is refused untouched. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseTooNewError, openDatabase } from '#core/node/sqlite.ts';

const M = ['CREATE TABLE a (x INTEGER);', 'CREATE TABLE b (y INTEGER);', 'INSERT INTO a VALUES (1);'];

describe('core/node/sqlite openDatabase', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'openshelf-sqlite-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('applies pending migrations once and records the version', () => {
    const file = join(dir, 'x.sqlite');
    let db = openDatabase(file, M.slice(0, 2));
    assert.equal(db.pragma('user_version', { simple: true }), 2);
    db.close();
    db = openDatabase(file, M);
    assert.equal(db.pragma('user_version', { simple: true }), 3);
    assert.deepEqual(db.prepare('SELECT x FROM a').all(), [{ x: 1 }]);
    db.close();
    db = openDatabase(file, M);
    assert.deepEqual(db.prepare('SELECT x FROM a').all(), [{ x: 1 }], 'not run again');
    db.close();
  });

  it('refuses a database migrated by newer code, with what to do, and leaves it as it was', () => {
    const file = join(dir, 'library.sqlite');
    openDatabase(file, M).close();
    const before = readFileSync(file);
    assert.throws(
      () => openDatabase(file, M.slice(0, 2)),
      (e: Error) =>
        e instanceof DatabaseTooNewError && e.fileVersion === 3 && e.codeVersion === 2 && e.message.includes(file) && /restore the backup/.test(e.message) && /update the code/.test(e.message) && /sao lưu/.test(e.message),
    );
    assert.deepEqual(readFileSync(file), before, 'the file is untouched');
    // Still opens with the code that wrote it.
    const db = openDatabase(file, M);
    assert.equal(db.pragma('user_version', { simple: true }), 3);
    db.close();
  });

  it('opens a database exactly at the code’s version', () => {
    const file = join(dir, 'same.sqlite');
    openDatabase(file, M).close();
    assert.doesNotThrow(() => openDatabase(file, M).close());
  });
});
