/**
 * MARC benchmarks (issue 6): parse throughput of our ISO 2709 reader beside the `marcjs` npm
 * package on the same files, and a full catalogue import into a SQLite file beside a bare INSERT
 * loop over the same records.
 *
 * Peer notes: marcjs splits on the record terminator and reads each record as UTF-8 with no
 * MARC-8 decoding, no NFC, no repair and no report, so on MARC-8 files it does less than we do.
 * Both parsers get the whole file in memory and are timed alternately, best round kept.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIso2709 } from '#core/marc/iso2709.ts';
import { openDatabase } from '#core/node/sqlite.ts';
import { bibSummary } from '#core/marc/summary.ts';
import { MIGRATIONS } from '#server/db/migrations.ts';
import { importMarc, recordSearchText } from '#server/catalogue/import.ts';

const FIXTURES = new URL('../test/fixtures/marc/', import.meta.url);
const require = createRequire(import.meta.url);
const marcjsParse = (require('marcjs') as { Marc: { parse: (raw: Buffer, type: string) => unknown } }).Marc.parse;

export const PARSE_FILES = ['marc4j/pride-and-prejudice-fixed.mrc', 'evergreen/lul_fre_500.mrc', 'vn-school/vn-school-utf8.mrc', 'loc/brkrtest_UTF8.mrc'];

export interface ParseRow {
  file: string;
  records: number;
  kb: number;
  /** Records per second. */
  ours: number;
  marcjs: number;
}

function marcjsAll(buf: Buffer): number {
  let n = 0;
  let start = 0;
  for (;;) {
    const end = buf.indexOf(0x1d, start);
    if (end < 0) break;
    marcjsParse(buf.subarray(start, end + 1), 'iso2709');
    n++;
    start = end + 1;
  }
  return n;
}

/** Records per second of `fn` over `buf`: rounds of at least `minMs`, the best kept. */
function rate(fn: () => number, minMs: number): number {
  let records = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    records += fn();
  }
  return (records / (performance.now() - t0)) * 1000;
}

export function benchMarcParse(rounds = 5, minMs = 200): ParseRow[] {
  const rows: ParseRow[] = [];
  for (const file of PARSE_FILES) {
    const buf = readFileSync(new URL(file, FIXTURES));
    const count = readIso2709(buf).records.length;
    let ours = 0;
    let peer = 0;
    // Warm both up, then alternate so a busy moment of the machine hits both alike.
    rate(() => readIso2709(buf).records.length, 50);
    rate(() => marcjsAll(buf), 50);
    for (let r = 0; r < rounds; r++) {
      ours = Math.max(ours, rate(() => readIso2709(buf).records.length, minMs));
      peer = Math.max(peer, rate(() => marcjsAll(buf), minMs));
    }
    rows.push({ file, records: count, kb: buf.length / 1024, ours, marcjs: peer });
  }
  return rows;
}

export interface ImportBench {
  records: number;
  copies: number;
  /** Records per second through importMarc (read, match, copies, changes, report; synchronous = FULL). */
  importPerSecond: number;
  /** Records per second of a bare INSERT loop over the same parsed records, one transaction. */
  barePerSecond: number;
}

/** Imports the fixture files into a fresh database file, then the same records with bare INSERTs into another. */
export async function benchMarcImport(): Promise<ImportBench> {
  const dir = mkdtempSync(join(tmpdir(), 'openshelf-bench-marc-'));
  try {
    const files = PARSE_FILES.map((f) => readFileSync(new URL(f, FIXTURES)));
    const db = openDatabase(join(dir, 'import.sqlite'), MIGRATIONS);
    let records = 0;
    let copies = 0;
    const t0 = performance.now();
    for (const buf of files) {
      const r = await importMarc(db, buf);
      records += r.imported + r.updated;
      copies += r.copiesAdded;
    }
    const importMs = performance.now() - t0;
    db.close();

    const bare = openDatabase(join(dir, 'bare.sqlite'), MIGRATIONS);
    const ins = bare.prepare(`INSERT INTO records (control_number, title, author, publisher, year, isbn, ddc, search_text, marc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    let n = 0;
    const t1 = performance.now();
    for (const buf of files) {
      const { records: recs } = readIso2709(buf);
      bare.transaction(() => {
        for (const rec of recs) {
          const s = bibSummary(rec);
          const raw = buf.subarray(rec.source!.offset, rec.source!.offset + rec.source!.length);
          ins.run(s.controlNumber, s.title, s.author, s.publisher, s.year, s.isbn, s.ddc, recordSearchText(s), raw);
          n++;
        }
      })();
    }
    const bareMs = performance.now() - t1;
    bare.close();
    return { records, copies, importPerSecond: (records / importMs) * 1000, barePerSecond: (n / bareMs) * 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
