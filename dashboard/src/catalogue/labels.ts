/**
 * Printable barcode labels for new copies: one HTML page (A4, 3 × 8 labels of 70 × 37 mm, the
 * common self-adhesive sheet), each label with the school's name, the title, the call number, the
 * Code 128 barcode as inline SVG, the barcode digits and the accession number. The browser prints
 * it; nothing is rasterised here.
 */
import { code128Svg } from '#core/barcode/code128.ts';

export interface LabelCopy {
  barcode: string;
  accession: string;
  callNumber: string | null;
  title: string;
  author?: string | null;
}

export interface LabelSheetOptions {
  schoolName: string;
  copies: LabelCopy[];
  /** Labels already used on the first sheet, skipped (0–23; default 0). */
  skip?: number;
}

export const LABELS_PER_SHEET = 24;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Cuts a title to what fits two label lines. */
function shortTitle(title: string, max = 60): string {
  return title.length <= max ? title : `${title.slice(0, max - 1).trimEnd()}…`;
}

/** The whole HTML document of the label sheet(s). */
export function labelSheetHtml(o: LabelSheetOptions): string {
  const skip = Math.min(Math.max(Math.trunc(o.skip ?? 0), 0), LABELS_PER_SHEET - 1);
  const cells: string[] = Array.from({ length: skip }, () => `<div class="label empty"></div>`);
  for (const c of o.copies) {
    cells.push(
      `<div class="label" data-barcode="${esc(c.barcode)}">` +
        `<div class="school">${esc(o.schoolName)}</div>` +
        `<div class="title">${esc(shortTitle(c.title))}</div>` +
        `<div class="call">${esc(c.callNumber ?? '')}</div>` +
        `<div class="bars">${code128Svg(c.barcode, { module: 2, height: 40 })}</div>` +
        `<div class="codes"><span class="digits">${esc(c.barcode)}</span>` +
        (c.accession !== c.barcode ? `<span class="acc">ĐKCB ${esc(c.accession)}</span>` : '') +
        `</div></div>`,
    );
  }
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>Nhãn mã vạch / Barcode labels — ${esc(o.schoolName)}</title>
<style>
  @page { size: A4; margin: 10mm 0 0 0; }
  * { box-sizing: border-box; }
  body { margin: 0; font-family: "Be Vietnam Pro", "Noto Sans", Arial, sans-serif; color: #000; }
  .hint { padding: 4mm 6mm; font-size: 11pt; }
  @media print { .hint { display: none; } }
  .sheet { display: grid; grid-template-columns: repeat(3, 70mm); grid-auto-rows: 37mm; }
  .label { padding: 2mm 3mm; overflow: hidden; display: flex; flex-direction: column; align-items: center; text-align: center; break-inside: avoid; }
  .school { font-size: 7pt; text-transform: uppercase; letter-spacing: 0.02em; }
  .title { font-size: 8pt; font-weight: 600; line-height: 1.15; max-height: 2.3em; overflow: hidden; }
  .call { font-size: 9pt; font-weight: 700; }
  .bars svg { width: 60mm; height: 11mm; display: block; }
  .codes { font-size: 8pt; font-family: "DejaVu Sans Mono", monospace; display: flex; gap: 3mm; }
</style>
</head>
<body>
<p class="hint">${o.copies.length} nhãn — bấm Ctrl+P để in (giấy A4, 3 × 8 nhãn) · ${o.copies.length} labels — press Ctrl+P to print (A4, 3 × 8 labels)</p>
<div class="sheet">
${cells.join('\n')}
</div>
</body>
</html>
`;
}
