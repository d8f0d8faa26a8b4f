/**
 * A printable sheet of library cards: an HTML page, A4 portrait, 10 cards (CR80, 85.6 × 54 mm) per
 * page in two columns, each with the school, the pupil's name and class, the card barcode as
 * Code 128 with its digits, and a QR code that holds only the card barcode (the kiosk's scanner
 * reads either as a tap).
 */
import { code128Svg } from '#core/barcode/code128.ts';
import { encodeQr, qrSvg } from '#core/barcode/qr.ts';

export interface CardPerson {
  fullName: string;
  className: string | null;
  kind: 'pupil' | 'teacher' | 'staff';
  /** The card barcode: what the Code 128 and the QR carry. */
  card: string;
}

export interface CardSheetOptions {
  schoolName: string;
  schoolYear: string;
}

export const CARDS_PER_PAGE = 10;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const KIND_TEXT: Record<CardPerson['kind'], string> = { pupil: 'Học sinh', teacher: 'Giáo viên', staff: 'Cán bộ, nhân viên' };

function card(p: CardPerson, o: CardSheetOptions): string {
  const who = p.kind === 'pupil' ? `Lớp ${esc(p.className ?? '')}` : KIND_TEXT[p.kind];
  return `<article class="card" data-card="${esc(p.card)}">
  <header><span class="school">${esc(o.schoolName)}</span><span class="title">THẺ THƯ VIỆN <span lang="en">Library card</span></span></header>
  <div class="body">
    <div class="who"><div class="name">${esc(p.fullName)}</div><div class="class">${who}</div><div class="year">Năm học ${esc(o.schoolYear)}</div></div>
    <div class="qr">${qrSvg(encodeQr(p.card, { ecLevel: 'M' }), { title: p.card })}</div>
  </div>
  <footer><div class="barcode">${code128Svg(p.card, { title: p.card, stretch: true })}</div><div class="digits">${esc(p.card)}</div></footer>
</article>`;
}

/** The whole HTML document; people are laid out in the order given. */
export function cardSheetHtml(people: readonly CardPerson[], o: CardSheetOptions): string {
  const pages: string[] = [];
  for (let i = 0; i < people.length; i += CARDS_PER_PAGE) {
    pages.push(`<section class="page">${people.slice(i, i + CARDS_PER_PAGE).map((p) => card(p, o)).join('\n')}</section>`);
  }
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>Thẻ thư viện — ${esc(o.schoolName)} (${people.length})</title>
<style>
  @page { size: A4 portrait; margin: 0; }
  * { box-sizing: border-box; }
  body { margin: 0; font-family: "Be Vietnam Pro", "Noto Sans", Arial, sans-serif; color: #000; }
  .page { width: 210mm; height: 297mm; padding: 13.5mm 19.4mm; display: grid; grid-template-columns: 85.6mm 85.6mm;
          grid-auto-rows: 54mm; align-content: start; break-after: page; page-break-after: always; }
  .page:last-child { break-after: auto; page-break-after: auto; }
  .card { width: 85.6mm; height: 54mm; border: 0.2mm dashed #999; padding: 3mm 3.5mm; display: flex; flex-direction: column; overflow: hidden; }
  .card header { display: flex; flex-direction: column; border-bottom: 0.3mm solid #000; padding-bottom: 1mm; }
  .school { font-size: 7pt; text-transform: uppercase; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .title { font-size: 9pt; font-weight: 700; }
  .title [lang=en] { font-weight: 400; font-size: 7pt; }
  .body { flex: 1; display: flex; justify-content: space-between; align-items: center; gap: 2mm; }
  .name { font-size: 12pt; font-weight: 700; line-height: 1.15; }
  .class, .year { font-size: 8.5pt; }
  .qr svg { width: 19mm; height: 19mm; display: block; }
  .barcode svg { width: 52mm; height: 8mm; display: block; }
  .digits { font-size: 8pt; letter-spacing: 0.6mm; font-variant-numeric: tabular-nums; }
  @media screen { body { background: #eee; } .page { background: #fff; margin: 5mm auto; box-shadow: 0 0 2mm #aaa; } }
</style>
</head>
<body>
${pages.join('\n')}
</body>
</html>`;
}
