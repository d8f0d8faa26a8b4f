/** Opens (and migrates) a SQLite database file with the settings every process uses. */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

/**
 * The file was migrated by a newer OpenShelf than this one (its user_version is past the last
 * migration this code knows): opening it would run old code on a schema it does not understand.
 */
export class DatabaseTooNewError extends Error {
  override name = 'DatabaseTooNewError';
  constructor(
    readonly file: string,
    readonly fileVersion: number,
    readonly codeVersion: number,
  ) {
    super(
      `${file}: cơ sở dữ liệu có phiên bản ${fileVersion}, mới hơn chương trình này (${codeVersion}). ` +
        `Hãy khôi phục bản sao lưu trước khi cập nhật, hoặc cập nhật chương trình. / ` +
        `the database is at schema version ${fileVersion}, newer than this code's ${codeVersion} migrations: ` +
        `restore the backup taken before the update (npm run restore) or update the code to the version that wrote it.`,
    );
  }
}

/**
 * Opens file (":memory:" allowed), WAL mode, foreign keys on, and applies pending migrations.
 * Throws DatabaseTooNewError (and leaves the file as it was) when a newer version migrated it.
 */
export function openDatabase(file: string, migrations: string[]): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: a committed loan survives a power cut (a Pi's SD card loses the OS cache).
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    db.close();
    throw new DatabaseTooNewError(file, current, migrations.length);
  }
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}
