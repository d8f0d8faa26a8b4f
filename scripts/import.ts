// Imports files into the school database from the command line, for scripts and support:
//
//   npm run import -- marc <file> [--config config/sim.json] [--db path/to/library.sqlite] [--json]
//   npm run import -- roster <file> ...
//
// Opens the same database the server uses (dataDir of the config, server/library.sqlite), in WAL
// mode with a busy timeout, so it works whether or not the server is running. Needs nothing built:
// the MARC-8 tables are committed (core/marc/marc8-tables.generated.json).
//
// Prints the report (read, imported, updated, rejected with position and reason). Exit status:
// 0 when at least one record was imported or updated, 1 when nothing could be read, 2 for a usage
// error (unknown command, missing file, bad config). Ctrl-C cancels after the current batch; what
// was written stays whole.
import { readFileSync } from 'node:fs';
import { join, basename } from 'node:path';
import { ConfigError } from '#core/config.ts';
import { DEFAULT_CONFIG, loadConfig } from '#core/node/load-config.ts';
import { openDatabase } from '#core/node/sqlite.ts';
import { MIGRATIONS } from '#server/db/migrations.ts';
import { importMarc, type ImportReport } from '#server/catalogue/import.ts';
import { runRosterCli } from '#server/patrons/cli.ts';

const USAGE = `Cách dùng / Usage:
  npm run import -- marc <tệp .mrc/.xml | file>   [--config <config.json>] [--db <library.sqlite>] [--json]
  npm run import -- roster <tệp .csv/.xlsx | file> [--config <config.json>] [--db <library.sqlite>] [--json]
`;

interface Args {
  command: string | undefined;
  file: string | undefined;
  config: string;
  db: string | undefined;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { command: undefined, file: undefined, config: DEFAULT_CONFIG, db: undefined, json: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    if (x === '--config') a.config = argv[++i] ?? '';
    else if (x === '--db') a.db = argv[++i] ?? '';
    else if (x === '--json') a.json = true;
    else if (x === '--help' || x === '-h') rest.unshift('help');
    else rest.push(x);
  }
  [a.command, a.file] = rest;
  return a;
}

function usage(message?: string): never {
  if (message) process.stderr.write(`${message}\n\n`);
  process.stderr.write(USAGE);
  process.exit(2);
}

function dbPath(a: Args): string {
  if (a.db) return a.db;
  try {
    return join(loadConfig(a.config).dataDir, 'server', 'library.sqlite');
  } catch (err) {
    if (err instanceof ConfigError) usage(err.message);
    throw err;
  }
}

function printReport(r: ImportReport): void {
  const out: string[] = [];
  const fmt = r.format === 'marcxml' ? 'MARCXML' : 'ISO 2709';
  out.push(`Nhập biểu ghi MARC / MARC import: ${r.file ?? '-'} (${fmt}), lần nhập / run #${r.runId}`);
  const status = {
    done: 'xong / done',
    cancelled: 'đã huỷ / cancelled',
    failed: 'bị dừng do lỗi / stopped on an error',
  }[r.status];
  out.push(`  trạng thái / status:            ${status}`);
  out.push(`  số biểu ghi trong tệp / read:   ${r.read}`);
  out.push(`  nhập mới / imported:            ${r.imported}`);
  out.push(`  cập nhật / updated:             ${r.updated}`);
  out.push(`  bị loại / rejected:             ${r.rejected}`);
  if (r.notProcessed) out.push(`  chưa xử lý / not processed:     ${r.notProcessed}`);
  out.push(`  bản sách thêm / copies added:   ${r.copiesAdded}`);
  out.push(`  bản sách cập nhật / copies updated: ${r.copiesUpdated}`);
  out.push(`  cảnh báo / warnings:            ${r.warnings}`);
  if (r.problems.length) {
    out.push('');
    out.push('Biểu ghi có vấn đề / Records with problems:');
    for (const p of r.problems) {
      const pos = p.record > 0 ? `biểu ghi / record ${p.record}, byte ${p.offset}${p.line ? `, dòng / line ${p.line}` : ''}` : 'tệp / file';
      const who = p.controlNumber ? ` [001 ${p.controlNumber}]` : '';
      const kind = p.severity === 'error' ? 'BỊ LOẠI / REJECTED' : 'ĐÃ SỬA / REPAIRED';
      out.push(`  ${kind} — ${pos}${who}`);
      out.push(`    ${p.vi}`);
      out.push(`    ${p.en}`);
    }
  }
  process.stdout.write(out.join('\n') + '\n');
}

async function importMarcFile(a: Args): Promise<number> {
  if (!a.file) usage('Thiếu tên tệp / missing file name');
  let bytes: Buffer;
  try {
    bytes = readFileSync(a.file);
  } catch (err) {
    usage(`Không đọc được tệp / cannot read the file ${a.file}: ${(err as Error).message}`);
  }
  const db = openDatabase(dbPath(a), MIGRATIONS);
  const abort = new AbortController();
  const onSigint = (): void => {
    process.stderr.write('Đang huỷ sau lô hiện tại… / cancelling after the current batch…\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  let lastShown = 0;
  const report = await importMarc(db, bytes, {
    fileName: basename(a.file),
    signal: abort.signal,
    byUser: 'cli',
    onProgress: (p) => {
      if (!a.json && process.stderr.isTTY && Date.now() - lastShown > 500) {
        lastShown = Date.now();
        process.stderr.write(`\r${p.done}/${p.total}`);
      }
    },
  });
  process.off('SIGINT', onSigint);
  if (!a.json && process.stderr.isTTY && lastShown) process.stderr.write('\r');
  db.close();
  if (a.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else printReport(report);
  return report.imported + report.updated > 0 ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const a = parseArgs(argv);
  switch (a.command) {
    case 'marc':
      return importMarcFile(a);
    case 'roster':
      return runRosterCli(argv.slice(argv.indexOf('roster') + 1), {
        openDb: () => openDatabase(dbPath(a), MIGRATIONS),
        out: (s) => process.stdout.write(s),
        err: (s) => process.stderr.write(s),
      });
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    default:
      usage(a.command ? `Lệnh không rõ / unknown command: ${a.command}` : undefined);
  }
}

process.exitCode = await main(process.argv.slice(2));
