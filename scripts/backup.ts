/**
 * `npm run backup -- [--config <file>] <dest>`: an online copy of the school database while the
 * server keeps running, through SQLite's backup API (better-sqlite3 `db.backup()`).
 *
 * `dest` is a file, or a directory that receives `library-<UTC time>.sqlite`. An existing file is
 * never overwritten. The copy is written beside the destination first, checked (integrity_check,
 * foreign_key_check) and only then renamed into place, so a half-written backup never has a
 * backup's name.
 *
 * The config comes from --config, else $OPENSHELF_CONFIG, else config/sim.json; the database is
 * `{dataDir}/server/library.sqlite`, as the server opens it.
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '#core/config.ts';
import { DEFAULT_CONFIG, loadConfig } from '#core/node/load-config.ts';

/** A failure the person at the terminal can act on: Vietnamese first, English second. */
export class OpsError extends Error {
  override name = 'OpsError';
  constructor(
    readonly vi: string,
    readonly en: string,
    readonly exitCode = 1,
  ) {
    super(en);
  }
}

export interface CliArgs {
  configPath: string;
  positional: string[];
}

/** Splits `--config <file>` from the positional arguments; the config defaults to $OPENSHELF_CONFIG, then config/sim.json. */
export function parseArgs(argv: string[]): CliArgs {
  let configPath = process.env.OPENSHELF_CONFIG || DEFAULT_CONFIG;
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--config' || a === '-c') {
      const v = argv[++i];
      if (!v) throw new OpsError('thiếu tên tệp sau --config', 'missing file name after --config', 2);
      configPath = v;
    } else if (a.startsWith('--config=')) configPath = a.slice('--config='.length);
    else if (a.startsWith('-')) throw new OpsError(`không hiểu tuỳ chọn ${a}`, `unknown option ${a}`, 2);
    else positional.push(a);
  }
  return { configPath, positional };
}

/** The server database file of a config (`{dataDir}/server/library.sqlite`, relative to the working directory like the server). */
export function databasePath(configPath: string): string {
  try {
    const cfg = loadConfig(configPath);
    return resolve(join(cfg.dataDir, 'server', 'library.sqlite'));
  } catch (err) {
    if (err instanceof ConfigError) throw new OpsError(`cấu hình không dùng được: ${err.message}`, `the config cannot be used: ${err.message}`, 2);
    throw err;
  }
}

export interface DbCheck {
  userVersion: number;
  pages: number;
  counts: { patrons: number; copies: number; loans: number; openLoans: number; transactions: number };
}

/** Opens a database file read-only and checks it is a sound OpenShelf database; throws OpsError naming what is wrong. */
export function checkDatabase(file: string): DbCheck {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new OpsError(`không mở được ${file}: ${(err as Error).message}`, `cannot open ${file}: ${(err as Error).message}`);
  }
  try {
    db.pragma('busy_timeout = 5000');
    let integrity: string[];
    try {
      integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    } catch (err) {
      throw new OpsError(`${file} không phải cơ sở dữ liệu SQLite: ${(err as Error).message}`, `${file} is not an SQLite database: ${(err as Error).message}`);
    }
    if (integrity.length !== 1 || integrity[0] !== 'ok') {
      throw new OpsError(`${file} bị hỏng (integrity_check): ${integrity.slice(0, 5).join('; ')}`, `${file} is damaged (integrity_check): ${integrity.slice(0, 5).join('; ')}`);
    }
    const fk = db.pragma('foreign_key_check') as unknown[];
    if (fk.length > 0) throw new OpsError(`${file}: ${fk.length} dòng trỏ tới dữ liệu không tồn tại (foreign_key_check)`, `${file}: ${fk.length} rows point at missing rows (foreign_key_check)`);
    const tables = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name));
    for (const t of ['patrons', 'copies', 'loans', 'transactions']) {
      if (!tables.has(t)) throw new OpsError(`${file} không phải cơ sở dữ liệu OpenShelf (thiếu bảng ${t})`, `${file} is not an OpenShelf database (no table ${t})`);
    }
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      userVersion: db.pragma('user_version', { simple: true }) as number,
      pages: db.pragma('page_count', { simple: true }) as number,
      counts: {
        patrons: count('SELECT count(*) AS n FROM patrons'),
        copies: count('SELECT count(*) AS n FROM copies'),
        loans: count('SELECT count(*) AS n FROM loans'),
        openLoans: count('SELECT count(*) AS n FROM loans WHERE returned_at IS NULL'),
        transactions: count('SELECT count(*) AS n FROM transactions'),
      },
    };
  } finally {
    db.close();
  }
}

/** UTC time for file names: 20261201-223000. */
export function stamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Copies `source` (which may be in use by the server) into the new file `dest` with the backup API,
 * as one snapshot; turns the copy into a self-contained rollback-journal file and fsyncs it.
 */
export async function copyDatabase(source: string, dest: string): Promise<void> {
  const src = new Database(source, { readonly: true, fileMustExist: true });
  try {
    src.pragma('busy_timeout = 5000');
    // All remaining pages in one step: one read transaction, so the copy is one point in time, and
    // in WAL mode the server's writers are not blocked while it runs. Smaller steps would restart
    // from the beginning each time the server commits (another connection), possibly for ever.
    await src.backup(dest, { progress: () => 0x7fffffff });
  } finally {
    src.close();
  }
  // The copy carries the source's WAL flag: make it one file that needs no -wal beside it.
  const copy = new Database(dest);
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  fsyncPath(dest);
}

export interface BackupResult {
  file: string;
  bytes: number;
  check: DbCheck;
  ms: number;
}

/** Backs up the database `source` to `dest` (a new file, or a directory to put a dated file in). */
export async function backupDatabase(source: string, dest: string): Promise<BackupResult> {
  const started = Date.now();
  if (!existsSync(source)) {
    throw new OpsError(`không có cơ sở dữ liệu ở ${source} (máy chủ đã chạy lần nào chưa? đúng tệp cấu hình chưa?)`, `no database at ${source} (has the server ever run? is this the right config?)`);
  }
  let file = resolve(dest);
  if (dest.endsWith('/') || (existsSync(file) && statSync(file).isDirectory())) file = join(file, `library-${stamp()}.sqlite`);
  if (existsSync(file)) throw new OpsError(`${file} đã có; không ghi đè bản sao lưu cũ`, `${file} already exists; an old backup is never overwritten`);
  if (!existsSync(dirname(file))) throw new OpsError(`thư mục ${dirname(file)} không tồn tại`, `the folder ${dirname(file)} does not exist`);
  const partial = join(dirname(file), `.${basename(file)}.partial`);
  rmSync(partial, { force: true });
  try {
    await copyDatabase(source, partial);
    const check = checkDatabase(partial);
    renameSync(partial, file);
    fsyncPath(dirname(file));
    return { file, bytes: statSync(file).size, check, ms: Date.now() - started };
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
}

/** Prints an OpsError both ways and exits with its code; anything else is a bug and shows its stack. */
export function exitWith(err: unknown): never {
  if (err instanceof OpsError) {
    console.error(`Lỗi: ${err.vi}\nError: ${err.en}`);
    process.exit(err.exitCode);
  }
  console.error(err);
  process.exit(1);
}

const USAGE_VI = 'Cách dùng: npm run backup -- [--config <tệp cấu hình>] <tệp hoặc thư mục đích>';
const USAGE_EN = 'Usage: npm run backup -- [--config <config file>] <destination file or folder>';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.positional.length !== 1) throw new OpsError(USAGE_VI, USAGE_EN, 2);
  const source = databasePath(args.configPath);
  const r = await backupDatabase(source, args.positional[0]!);
  const c = r.check.counts;
  console.log(`Đã sao lưu / Backed up: ${source}\n  → ${r.file}`);
  console.log(`  ${r.bytes} bytes, ${r.check.pages} pages, schema ${r.check.userVersion}, integrity_check ok, foreign_key_check ok, ${r.ms} ms`);
  console.log(`  ${c.patrons} patrons, ${c.copies} copies, ${c.loans} loans (${c.openLoans} open), ${c.transactions} transactions`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main().catch(exitWith);
