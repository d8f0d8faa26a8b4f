/**
 * Catalogue search over 100k records (issue 6 budget: p99 < 10 ms), beside a naive LIKE scan of
 * records.search_text on the same database. The catalogue is generated into a temporary SQLite
 * file: Vietnamese titles built from common title words, authors from the demo's name lists,
 * subjects, ISBNs and 1–3 copies each, written through the same migrations and triggers as the
 * school server. The queries are what a librarian types, one keystroke at a time: every prefix of
 * a title or author phrase without marks ("d", "da", "dat", "dat ", "dat r", …), plus barcodes and
 * ISBNs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '#core/node/sqlite.ts';
import { foldVietnamese } from '#core/fold.ts';
import { isbn13CheckDigit, makeLibraryBarcode } from '#core/ids.ts';
import { MIGRATIONS } from '#server/db/migrations.ts';
import { CatalogueSearch } from '#server/catalogue/search.ts';
import { createRng, type Rng } from '#server/seed/prng.ts';
import { randomFullName } from '#server/seed/names.ts';

export interface SearchBenchStat {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export interface SearchBenchResult {
  records: number;
  copies: number;
  buildSeconds: number;
  /** Wall time per query, ms. */
  fts: SearchBenchStat;
  like: SearchBenchStat;
  /** CPU time of this process per query (user + system), ms: what the query itself cost when the machine is busy with others. */
  ftsCpu: SearchBenchStat;
  likeCpu: SearchBenchStat;
  /** The slowest search queries by wall time, for a look at what was slow. */
  slowest: { q: string; ms: number; cpuMs: number }[];
  /** Queries measured (each keystroke is one). */
  queries: number;
}

const WORDS = (
  'đất rừng phương nam dế mèn phiêu lưu ký tôi thấy hoa vàng trên cỏ xanh cho xin một vé đi tuổi thơ truyện kiều ' +
  'cổ tích việt nam lịch sử bằng tranh tiếng toán khoa học tự nhiên địa lí đạo đức âm nhạc mĩ thuật công nghệ ' +
  'những người bạn nhỏ mùa hè thành phố biển trăng sáng quê hương em yêu trường mẹ cha ông bà chú mèo con chó ' +
  'rùa thỏ cáo gấu voi sư tử chim sẻ cánh diều ngôi sao bầu trời dòng sông núi cao làng quê ngày xưa câu chuyện ' +
  'bí mật kho báu hòn đảo phép màu cô bé cậu bé chàng trai nàng công chúa hoàng tử vua quan lính dũng sĩ ' +
  'khám phá thế giới động vật thực vật cơ thể người vũ trụ trái đất nước lửa gió mưa nắng mùa xuân thu đông ' +
  'bài học sống đẹp kỹ năng tư duy sáng tạo hướng dẫn thực hành luyện tập nâng cao cơ bản tuyển tập thơ văn'
).split(' ');

const SUBJECTS = [
  'Văn học thiếu nhi',
  'Truyện tranh',
  'Sách giáo khoa',
  'Khoa học thường thức',
  'Lịch sử Việt Nam',
  'Địa lí',
  'Kỹ năng sống',
  'Truyện cổ tích',
  'Thơ',
  'Toán học',
  'Tiếng Anh',
  'Đạo đức',
];

/** Records sampled for the typed queries (each gives ~30 keystrokes; the LIKE peer scans every row for each). */
const SAMPLES = Number(process.env.BENCH_SEARCH_SAMPLES ?? 40);

const DDC = ['895.9223', '895.9221', '372.6', '510.712', '428.64', '959.7', '741.5952', '398.209597', '843', '823.914', '500', '590', '580', '612', '520'];

function title(rng: Rng): string {
  const n = rng.int(2, 7);
  const words = Array.from({ length: n }, () => rng.pick(WORDS));
  const t = words.join(' ');
  return t[0]!.toLocaleUpperCase('vi') + t.slice(1);
}

function isbn(rng: Rng): string {
  const stem = `978604${String(rng.int(0, 999999)).padStart(6, '0')}`;
  return `${stem}${isbn13CheckDigit(stem)}`;
}

/** Builds the catalogue in db: `records` records, each with 1–3 copies; returns the copy count. */
export function generate(db: Db, records: number, rng: Rng): { copies: number; samples: { title: string; author: string; isbn: string; barcode: string }[] } {
  const insR = db.prepare(`INSERT INTO records (title, author, publisher, year, isbn, ddc, search_text) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const insC = db.prepare(`INSERT INTO copies (record_id, barcode, accession, collection) VALUES (?, ?, ?, ?)`);
  const samples: { title: string; author: string; isbn: string; barcode: string }[] = [];
  let serial = 1;
  let copies = 0;
  db.transaction(() => {
    for (let i = 0; i < records; i++) {
      const t = title(rng);
      const a = randomFullName(rng, rng.chance(0.5) ? 'male' : 'female', 'adult');
      const subj = [rng.pick(SUBJECTS), rng.pick(SUBJECTS)];
      const code = isbn(rng);
      const search = foldVietnamese([t, a, 'Kim Đồng', code, ...subj].join(' '));
      const id = Number(insR.run(t, a, 'Kim Đồng', String(rng.int(1990, 2026)), code, rng.pick(DDC), search).lastInsertRowid);
      const k = rng.int(1, 3);
      let first = '';
      for (let j = 0; j < k; j++) {
        const barcode = makeLibraryBarcode('item', '0001', serial);
        insC.run(id, barcode, `STK.${String(serial).padStart(6, '0')}`, 'general');
        first ||= barcode;
        serial++;
        copies++;
      }
      if (i % Math.max(1, Math.floor(records / SAMPLES)) === 0) samples.push({ title: t, author: a, isbn: code, barcode: first });
    }
  })();
  return { copies, samples };
}

/** Every prefix of s, as typed one key at a time, from the second character on (a one-letter query is still typed). */
function keystrokes(s: string): string[] {
  const out: string[] = [];
  for (let i = 1; i <= s.length; i++) out.push(s.slice(0, i));
  return out;
}

function stat(ms: number[]): SearchBenchStat {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1]! };
}

/** The naive peer: every folded word as %word% over records.search_text, first page by title (the old Library.search). */
function naiveLike(db: Db) {
  const cache = new Map<number, ReturnType<Db['prepare']>>();
  return (q: string) => {
    const words = foldVietnamese(q).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    if (words.length === 0) return [];
    let stmt = cache.get(words.length);
    if (!stmt) {
      stmt = db.prepare(`SELECT id, title, author FROM records WHERE ${words.map(() => `search_text LIKE ?`).join(' AND ')} ORDER BY title LIMIT 20`);
      cache.set(words.length, stmt);
    }
    return stmt.all(words.map((w) => `%${w}%`));
  };
}

export async function searchBench(records = 100_000, seed = 6): Promise<SearchBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'openshelf-bench-search-'));
  try {
    const db = openDatabase(join(dir, 'library.sqlite'), MIGRATIONS);
    const t0 = performance.now();
    const { copies, samples } = generate(db, records, createRng(seed));
    const buildSeconds = (performance.now() - t0) / 1000;
    if (process.env.BENCH_VERBOSE) console.error(`built ${records} records in ${buildSeconds.toFixed(1)} s`);
    db.pragma('optimize');

    const queries: string[] = [];
    for (const s of samples) {
      const words = foldVietnamese(s.title).split(' ').slice(0, 3).join(' ');
      queries.push(...keystrokes(words));
      queries.push(...keystrokes(foldVietnamese(s.author)).slice(0, 12));
      queries.push(s.barcode, s.isbn, `${s.isbn.slice(0, 3)}-${s.isbn.slice(3, 6)}-${s.isbn.slice(6, 12)}-${s.isbn.slice(12)}`);
    }
    const search = new CatalogueSearch(db);
    const like = naiveLike(db);
    // Warm both (statement caches, pages in the OS cache), then measure them interleaved so the machine's mood hits both alike.
    for (const q of queries.slice(0, 200)) {
      search.search(q);
      like(q);
    }
    const ftsMs: number[] = [];
    const likeMs: number[] = [];
    const ftsCpu: number[] = [];
    const likeCpu: number[] = [];
    const slow: { q: string; ms: number; cpuMs: number }[] = [];
    for (const q of queries) {
      let c = process.cpuUsage();
      let t = performance.now();
      search.search(q);
      const ms = performance.now() - t;
      c = process.cpuUsage(c);
      ftsMs.push(ms);
      ftsCpu.push((c.user + c.system) / 1000);
      slow.push({ q, ms, cpuMs: (c.user + c.system) / 1000 });
      c = process.cpuUsage();
      t = performance.now();
      like(q);
      likeMs.push(performance.now() - t);
      c = process.cpuUsage(c);
      likeCpu.push((c.user + c.system) / 1000);
    }
    db.close();
    slow.sort((a, b) => b.ms - a.ms);
    return {
      records,
      copies,
      buildSeconds,
      fts: stat(ftsMs),
      like: stat(likeMs),
      ftsCpu: stat(ftsCpu),
      likeCpu: stat(likeCpu),
      slowest: slow.slice(0, 5),
      queries: queries.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Alone: node --import tsx bench/search.ts [records]
if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await searchBench(Number(process.argv[2] ?? 100_000));
  console.log(JSON.stringify(r, null, 2));
}
