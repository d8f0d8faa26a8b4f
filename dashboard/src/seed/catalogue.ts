/**
 * The demo library's catalogue and copies, from two bundled MARC files:
 *  - vn-school-utf8.mrc: 15 Vietnamese school titles whose copies (952 $p) carry the barcodes
 *    the documentation uses (e.g. 30001000000101, a copy of "Dế Mèn phiêu lưu ký");
 *  - lul_fre_500.mrc: 500 French records that fill the shelves, with generated item barcodes.
 * Pure: the caller reads the files and passes the bytes.
 */
import type { Collection } from '#core/policy.ts';
import { makeLibraryBarcode } from '#core/ids.ts';
import { readIso2709, subfield, subfields, controlField, type MarcReadProblem, type MarcRecord } from '#core/marc/iso2709.ts';
import { bibSummary, type BibSummary } from '#core/marc/summary.ts';
import { createRng } from './prng.ts';

export interface DemoRecord extends BibSummary {
  /** The record's original ISO 2709 bytes, as read from the file. */
  marc: Uint8Array;
  sourceFile: 'vn-school-utf8.mrc' | 'lul_fre_500.mrc';
}

export interface DemoCopy {
  /** Index into `records`. */
  recordIndex: number;
  barcode: string;
  /** "Số đăng ký cá biệt": prefix by collection (SGK, TN, STK …) and a running number. */
  accession: string;
  collection: Collection;
  referenceOnly: boolean;
  callNumber: string | null;
  /**
   * True for the copies the demo made up for lul_fre_500.mrc; false for the copies the
   * vn-school file describes (which the documentation uses and the history leaves on the shelf).
   */
  generated: boolean;
}

export interface DemoCatalogue {
  records: DemoRecord[];
  copies: DemoCopy[];
  /** Problems the MARC reader reported (none for the bundled files), for the seeder's log. */
  problems: (MarcReadProblem & { file: string })[];
}

/** First serial of the generated item barcodes, clear of the vn-school file's own barcodes. */
export const FIRST_GENERATED_ITEM_SERIAL = 500000;

/** Accession-number prefixes by collection, as Vietnamese school libraries keep their registers. */
export const ACCESSION_PREFIX: Record<Collection, string> = {
  textbook: 'SGK', // sách giáo khoa
  children: 'TN', // (sách) thiếu nhi
  reference: 'STK', // sách tham khảo
  general: 'STK',
  teacher: 'SNV', // sách nghiệp vụ
  periodical: 'BC', // báo chí
};

/**
 * Textbooks are titled "<subject> <grade>" ("Tiếng Việt 1", "Toán 6", "English 6"); a picture
 * history such as "Lịch sử Việt Nam bằng tranh" is not one.
 */
const TEXTBOOK_TITLE =
  /^(Tiếng Việt|Toán|English|Tiếng Anh|Ngữ văn|Khoa học tự nhiên|Khoa học|Lịch sử và Địa lí|Tự nhiên và Xã hội|Đạo đức|Tin học|Công nghệ|Âm nhạc|Mĩ thuật|Mỹ thuật|Giáo dục công dân|Hoạt động trải nghiệm)\s+\d{1,2}(\s|$)/u;

/** The demo keeps one title as read-in-the-library only ("đọc tại chỗ"), to show that rule. */
const REFERENCE_ONLY_TITLES = new Set(['Truyện cổ tích Việt Nam']);

/** 008/22 target audience: preschool, primary, pre-adolescent, adolescent, juvenile. */
const YOUNG_AUDIENCE = new Set(['a', 'b', 'c', 'd', 'j']);

function mainTitle(s: BibSummary): string {
  return s.title.split(' : ')[0]!.trim();
}

function vnCollection(rec: MarcRecord, s: BibSummary): { collection: Collection; referenceOnly: boolean } {
  if (TEXTBOOK_TITLE.test(s.title)) return { collection: 'textbook', referenceOnly: false };
  if (REFERENCE_ONLY_TITLES.has(mainTitle(s))) return { collection: 'reference', referenceOnly: true };
  const audience = controlField(rec, '008')?.[22];
  const childrensSubject = subfields(rec, '650', 'a').some((a) => /thiếu nhi|truyện tranh/iu.test(a));
  if ((audience !== undefined && YOUNG_AUDIENCE.has(audience)) || childrensSubject) {
    return { collection: 'children', referenceOnly: false };
  }
  return { collection: 'reference', referenceOnly: false };
}

function rawBytes(buf: Uint8Array, rec: MarcRecord): Uint8Array {
  const src = rec.source!;
  return buf.subarray(src.offset, src.offset + src.length);
}

export function demoCatalogue(
  vnSchoolMrc: Uint8Array,
  lulFreMrc: Uint8Array,
  institution = '0001',
  seed = 2026,
): DemoCatalogue {
  const rng = createRng(seed).fork('catalogue');
  const records: DemoRecord[] = [];
  const copies: DemoCopy[] = [];
  const problems: DemoCatalogue['problems'] = [];
  const accessionSeq = new Map<string, number>();
  const nextAccession = (collection: Collection): string => {
    const prefix = ACCESSION_PREFIX[collection];
    const n = (accessionSeq.get(prefix) ?? 0) + 1;
    accessionSeq.set(prefix, n);
    return `${prefix}.${String(n).padStart(6, '0')}`;
  };

  const vn = readIso2709(vnSchoolMrc);
  problems.push(...vn.errors.map((e) => ({ ...e, file: 'vn-school-utf8.mrc' })));
  for (const rec of vn.records) {
    const summary = bibSummary(rec);
    const recordIndex = records.length;
    records.push({ ...summary, marc: rawBytes(vnSchoolMrc, rec), sourceFile: 'vn-school-utf8.mrc' });
    const { collection, referenceOnly } = vnCollection(rec, summary);
    for (const h of summary.holdings) {
      copies.push({
        recordIndex,
        barcode: h.barcode,
        accession: h.accession ?? nextAccession(collection),
        collection,
        referenceOnly,
        callNumber: h.callNumber ?? summary.ddc,
        generated: false,
      });
    }
  }

  const fr = readIso2709(lulFreMrc);
  problems.push(...fr.errors.map((e) => ({ ...e, file: 'lul_fre_500.mrc' })));
  let serial = FIRST_GENERATED_ITEM_SERIAL;
  for (const rec of fr.records) {
    const summary = bibSummary(rec);
    const recordIndex = records.length;
    // The record's own holdings belong to the library it came from; the demo makes its own copies.
    records.push({ ...summary, holdings: [], marc: rawBytes(lulFreMrc, rec), sourceFile: 'lul_fre_500.mrc' });
    const collection: Collection = rng.chance(0.15) ? 'reference' : 'general';
    // LC call number (050), whose "'" marks are segmentation hints, not part of the number.
    const lc = [subfield(rec, '050', 'a'), subfield(rec, '050', 'b')]
      .filter((x): x is string => x !== undefined)
      .join(' ')
      .replace(/'/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    const count = rng.chance(0.3) ? 2 : 1;
    for (let k = 0; k < count; k++) {
      copies.push({
        recordIndex,
        barcode: makeLibraryBarcode('item', institution, serial++),
        accession: nextAccession(collection),
        collection,
        referenceOnly: false,
        callNumber: lc === '' ? null : lc,
        generated: true,
      });
    }
  }
  return { records, copies, problems };
}
