/**
 * CSV as schools save it from Excel or the ministry's system: UTF-8 with or without a BOM, comma,
 * semicolon (Excel in a Vietnamese locale) or tab between fields, quoted fields with doubled quotes
 * and line breaks inside, CR LF or LF.
 */

/** A file that cannot be read as CSV text (e.g. not UTF-8). */
export class CsvError extends Error {
  override name = 'CsvError';
}

/** Decodes bytes as UTF-8 (BOM dropped); throws CsvError when they are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new CsvError('the file is not UTF-8 text: save it as "CSV UTF-8" or as an Excel workbook (.xlsx)');
  }
}

/** The delimiter used most outside quotes in the first lines: ';', ',' or tab. */
export function detectDelimiter(text: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  let lines = 0;
  for (let i = 0; i < text.length && lines < 50; i++) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch]!++;
    else if (!quoted && ch === '\n') lines++;
  }
  let best = ',';
  for (const d of [';', '\t']) if (counts[d]! > counts[best]!) best = d;
  return best;
}

/** Parses CSV text into rows of trimmed cells; the delimiter is detected when not given. */
export function parseCsv(text: string, delimiter = detectDelimiter(text)): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endCell = () => {
    row.push(cell.trim());
    cell = '';
  };
  const endRow = () => {
    endCell();
    rows.push(row);
    row = [];
  };
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"' && cell.trim() === '') {
      cell = '';
      quoted = true;
    } else if (ch === delimiter) endCell();
    else if (ch === '\r') {
      if (text[i + 1] === '\n') i++;
      endRow();
    } else if (ch === '\n') endRow();
    else cell += ch;
  }
  if (cell !== '' || row.length > 0) endRow();
  return rows;
}
