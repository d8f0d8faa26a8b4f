/**
 * The first worksheet of an .xlsx workbook as rows of text cells, with the row numbers Excel shows.
 * Shared strings, inline strings, formula results, booleans and numbers; a number in a date format
 * (built-in or custom) comes out as an ISO date "YYYY-MM-DD".
 */
import { openZip, ZipError } from './zip.ts';

export class XlsxError extends Error {
  override name = 'XlsxError';
}

export interface SheetRow {
  /** 1-based, as the spreadsheet shows it. */
  rowNumber: number;
  cells: string[];
}

const ENTITY: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML text with entities and OOXML's _xHHHH_ escapes decoded. */
function xmlText(s: string): string {
  return s
    .replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_m, e: string) =>
      e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ENTITY[e]!,
    )
    .replace(/_x([0-9a-fA-F]{4})_/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

function attr(attrs: string, name: string): string | null {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(attrs);
  return m ? xmlText(m[2] ?? m[3] ?? '') : null;
}

/** The text of a string item (<si> or <is>): every <t> run, phonetic runs left out. */
function runText(xml: string): string {
  const body = xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '');
  let out = '';
  for (const m of body.matchAll(/<t\b[^>]*?(?:\/>|>([\s\S]*?)<\/t>)/g)) out += xmlText(m[1] ?? '');
  return out;
}

const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 22, 27, 30, 36, 45, 46, 47, 50, 57]);

/** The cell style indexes (s="…") whose number format is a date. */
function dateStyles(stylesXml: string | null): Set<number> {
  const out = new Set<number>();
  if (!stylesXml) return out;
  const custom = new Map<number, string>();
  for (const m of stylesXml.matchAll(/<numFmt\b([^>]*)\/?>/g)) custom.set(Number(attr(m[1]!, 'numFmtId')), attr(m[1]!, 'formatCode') ?? '');
  const xfs = /<cellXfs\b[^>]*>([\s\S]*?)<\/cellXfs>/.exec(stylesXml);
  if (!xfs) return out;
  let i = 0;
  for (const m of xfs[1]!.matchAll(/<xf\b([^>]*?)(?:\/>|>[\s\S]*?<\/xf>)/g)) {
    const id = Number(attr(m[1]!, 'numFmtId') ?? 0);
    const code = custom.get(id);
    // A custom format is a date when it has d, m or y outside quotes, brackets and escapes.
    const isDate = code !== undefined ? /[dmy]/i.test(code.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '')) && !/^[#0.,%\s]*$/.test(code) : BUILTIN_DATE_FORMATS.has(id);
    if (isDate) out.add(i);
    i++;
  }
  return out;
}

/** Excel's serial day number (1900 system, with its phantom 29 Feb 1900) as YYYY-MM-DD. */
export function excelSerialToIso(serial: number): string {
  const days = Math.floor(serial);
  // Serial 60 is the non-existent 1900-02-29; from 61 on, day 0 is 1899-12-30.
  const ms = Date.UTC(1899, 11, days < 60 ? 31 : 30) + days * 86400000;
  return new Date(ms).toISOString().slice(0, 10);
}

/** Column index (0-based) of a cell reference such as "C12". */
function columnOf(ref: string): number {
  let n = 0;
  for (const ch of ref) {
    const c = ch.charCodeAt(0);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n - 1;
}

/** The workbook's first sheet's path inside the archive. */
function firstSheetPath(workbook: string | null, rels: string | null): string {
  const fallback = 'xl/worksheets/sheet1.xml';
  if (!workbook || !rels) return fallback;
  const sheet = /<sheet\b([^>]*)\/?>/.exec(workbook);
  const rid = sheet ? attr(sheet[1]!, 'r:id') : null;
  if (!rid) return fallback;
  for (const m of rels.matchAll(/<Relationship\b([^>]*)\/?>/g)) {
    if (attr(m[1]!, 'Id') === rid) {
      const target = attr(m[1]!, 'Target') ?? '';
      return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
    }
  }
  return fallback;
}

/** Reads the first worksheet; throws XlsxError when the file is not a workbook this reader understands. */
export function readXlsx(buf: Buffer): SheetRow[] {
  let zip: ReturnType<typeof openZip>;
  try {
    zip = openZip(buf);
  } catch (err) {
    throw new XlsxError(err instanceof ZipError ? `not an .xlsx workbook: ${err.message}` : String(err));
  }
  const text = (name: string) => {
    try {
      return zip.read(name)?.toString('utf8') ?? null;
    } catch (err) {
      throw new XlsxError(`the workbook is damaged: ${(err as Error).message}`);
    }
  };
  const sheetPath = firstSheetPath(text('xl/workbook.xml'), text('xl/_rels/workbook.xml.rels'));
  const sheet = text(sheetPath);
  if (sheet === null) throw new XlsxError(`the workbook has no worksheet (${sheetPath} missing)${zip.names.includes('content.xml') ? '; this looks like an .ods file: save it as .xlsx' : ''}`);
  const shared: string[] = [];
  const sst = text('xl/sharedStrings.xml');
  if (sst) for (const m of sst.matchAll(/<si\s*\/>|<si\b[^>]*>([\s\S]*?)<\/si>/g)) shared.push(runText(m[1] ?? ''));
  const dates = dateStyles(text('xl/styles.xml'));

  const rows: SheetRow[] = [];
  let lastRow = 0;
  for (const rm of sheet.matchAll(/<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g)) {
    const r = attr(rm[1]!, 'r');
    const rowNumber = r ? Number(r) : lastRow + 1;
    lastRow = rowNumber;
    const cells: string[] = [];
    let lastCol = -1;
    for (const cm of (rm[2] ?? '').matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const a = cm[1]!;
      const ref = attr(a, 'r');
      const col = ref ? columnOf(ref) : lastCol + 1;
      lastCol = col;
      const body = cm[2] ?? '';
      const type = attr(a, 't') ?? 'n';
      const v = /<v\b[^>]*>([\s\S]*?)<\/v>/.exec(body);
      const raw = v ? xmlText(v[1]!) : '';
      let value: string;
      if (type === 's') value = shared[Number(raw)] ?? '';
      else if (type === 'inlineStr') value = runText(/<is\b[^>]*>([\s\S]*?)<\/is>/.exec(body)?.[1] ?? '');
      else if (type === 'b') value = raw === '1' ? 'TRUE' : raw === '0' ? 'FALSE' : raw;
      else if (type === 'n' && raw !== '' && dates.has(Number(attr(a, 's') ?? -1)) && Number.isFinite(Number(raw))) value = excelSerialToIso(Number(raw));
      else value = raw;
      while (cells.length < col) cells.push('');
      cells[col] = value.trim();
    }
    rows.push({ rowNumber, cells });
  }
  return rows;
}
