/**
 * `npm run restore -- [--config <file>] <backup file>`: puts a backup made by `npm run backup` back
 * as the school database.
 *
 * It refuses while the server has the database open (or its dashboard port answers): stop it first
 * (`sudo systemctl stop openshelf-server`). The backup is checked before anything is touched
 * (integrity_check, foreign_key_check, an OpenShelf schema not newer than this version). The current
 * database is first kept as `library.sqlite.before-restore-<UTC time>` beside it, so a restore
 * loses nothing; the backup is copied next to the database and renamed over it in one step.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '#core/node/load-config.ts';
import { MIGRATIONS } from '#server/db/migrations.ts';
import { checkDatabase, copyDatabase, databasePath, exitWith, OpsError, parseArgs, stamp, type DbCheck } from './backup.ts';

/** Pids of processes (that this user may inspect) holding `file` or its -wal/-shm open, from /proc. */
export function processesUsing(file: string): number[] {
  const wanted = new Set([file, `${file}-wal`, `${file}-shm`]);
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return []; // not Linux: the port check below still runs
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${e}/fd`);
    } catch {
      continue; // gone, or another user's process
    }
    for (const fd of fds) {
      try {
        if (wanted.has(readlinkSync(`/proc/${e}/fd/${fd}`))) {
          pids.push(Number(e));
          break;
        }
      } catch {
        /* fd closed meanwhile */
      }
    }
  }
  return pids;
}

function portAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host: host === '0.0.0.0' ? '127.0.0.1' : host, port });
    s.setTimeout(1000, () => {
      s.destroy();
      res(false);
    });
    s.once('connect', () => {
      s.end();
      res(true);
    });
    s.once('error', () => res(false));
  });
}

export interface RestoreResult {
  database: string;
  keptAs: string | null;
  check: DbCheck;
}

/** Replaces the database `target` with the backup `backupFile`; throws OpsError (and changes nothing) when it must not. */
export async function restoreDatabase(backupFile: string, target: string, opts: { httpHost?: string; httpPort?: number } = {}): Promise<RestoreResult> {
  const backup = resolve(backupFile);
  if (!existsSync(backup)) throw new OpsError(`không có tệp ${backup}`, `no file ${backup}`);
  const check = checkDatabase(backup);
  if (check.userVersion > MIGRATIONS.length) {
    throw new OpsError(
      `bản sao lưu có lược đồ ${check.userVersion}, mới hơn phiên bản này (${MIGRATIONS.length}): hãy cập nhật OpenShelf trước`,
      `the backup has schema ${check.userVersion}, newer than this version's (${MIGRATIONS.length}): update OpenShelf first`,
    );
  }

  const users = processesUsing(target);
  const portBusy = opts.httpPort ? await portAnswers(opts.httpHost ?? '127.0.0.1', opts.httpPort) : false;
  if (users.length > 0 || portBusy) {
    const who = users.length > 0 ? `tiến trình ${users.join(', ')} đang mở ${target}` : `cổng ${opts.httpPort} đang có máy chủ trả lời`;
    const whoEn = users.length > 0 ? `process ${users.join(', ')} has ${target} open` : `something answers on port ${opts.httpPort}`;
    throw new OpsError(
      `máy chủ OpenShelf còn đang chạy (${who}). Dừng nó trước: sudo systemctl stop openshelf-server (hoặc Ctrl-C ở npm start), rồi chạy lại lệnh này. Chưa thay đổi gì.`,
      `the OpenShelf server is still running (${whoEn}). Stop it first: sudo systemctl stop openshelf-server (or Ctrl-C in npm start), then run this again. Nothing was changed.`,
    );
  }

  const dir = dirname(target);
  mkdirSync(dir, { recursive: true });
  let keptAs: string | null = null;
  if (existsSync(target)) {
    // Through the backup API too, so what is still in a leftover -wal is kept as well.
    keptAs = `${target}.before-restore-${stamp()}`;
    if (existsSync(keptAs)) keptAs += `-${process.pid}`;
    await copyDatabase(target, keptAs);
    // Opening and closing the last connection checkpoints and removes the -wal, if it can.
    new Database(target, { fileMustExist: true }).close();
  }
  const incoming = join(dir, `.library.sqlite.restoring-${process.pid}`);
  rmSync(incoming, { force: true });
  try {
    await copyDatabase(backup, incoming);
    checkDatabase(incoming);
    // A -wal left beside the old file would be replayed into the restored one: it is in keptAs now.
    rmSync(`${target}-wal`, { force: true });
    rmSync(`${target}-shm`, { force: true });
    renameSync(incoming, target);
  } catch (err) {
    rmSync(incoming, { force: true });
    throw err;
  }
  return { database: target, keptAs, check };
}

const USAGE_VI = 'Cách dùng: npm run restore -- [--config <tệp cấu hình>] <tệp sao lưu>';
const USAGE_EN = 'Usage: npm run restore -- [--config <config file>] <backup file>';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.positional.length !== 1) throw new OpsError(USAGE_VI, USAGE_EN, 2);
  const target = databasePath(args.configPath);
  const server = loadConfig(args.configPath).server;
  const r = await restoreDatabase(args.positional[0]!, target, { httpHost: server?.httpHost, httpPort: server?.httpPort });
  const c = r.check.counts;
  console.log(`Đã khôi phục / Restored: ${resolve(args.positional[0]!)}\n  → ${r.database}`);
  console.log(`  schema ${r.check.userVersion}, integrity_check ok, foreign_key_check ok; ${c.patrons} patrons, ${c.copies} copies, ${c.loans} loans (${c.openLoans} open)`);
  if (r.keptAs) console.log(`  Cơ sở dữ liệu trước đó được giữ ở / The previous database is kept as: ${r.keptAs}`);
  console.log('  Khởi động lại máy chủ / Start the server again: sudo systemctl start openshelf-server');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main().catch(exitWith);
