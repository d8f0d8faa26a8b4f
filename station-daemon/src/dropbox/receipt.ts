/** Lays out a drop box return receipt (the kiosk slip's style: raster blocks plus a plain-text twin). */
import type { RichSlip, SlipBlock } from '#hardware/printer/slip-document.ts';

export interface ReceiptLine {
  barcode: string;
  title: string | null;
}

/** utcOffsetMinutes: the school's time zone (Vietnam +420, the default). */
export function receiptFor(a: { schoolName: string; items: ReceiptLine[]; at: Date; width: number; utcOffsetMinutes?: number }): RichSlip {
  const at = new Date(a.at.getTime() + (a.utcOffsetMinutes ?? 420) * 60000).toISOString();
  const when = `${at.slice(8, 10)}/${at.slice(5, 7)}/${at.slice(0, 4)} ${at.slice(11, 16)}`;
  const cut = (s: string) => (s.length > a.width ? s.slice(0, a.width) : s);
  const rule = '-'.repeat(a.width);
  const lines = [cut(a.schoolName), cut('PHIẾU TRẢ SÁCH / RETURN RECEIPT'), when, rule];
  a.items.forEach((i, n) => {
    lines.push(cut(`${n + 1}. ${i.title ?? i.barcode}`), `   ${i.barcode}`);
  });
  lines.push(rule, cut('Cảm ơn em đã trả sách! Thank you!'));
  const blocks: SlipBlock[] = [
    { type: 'text', text: a.schoolName, size: 'large', bold: true, align: 'center' },
    { type: 'space', dots: 8 },
    { type: 'text', text: 'PHIẾU TRẢ SÁCH', size: 'title', bold: true, align: 'center' },
    { type: 'text', text: `Return receipt · ${when}`, size: 'small', align: 'center' },
    { type: 'rule' },
  ];
  a.items.forEach((i, n) => {
    blocks.push({ type: 'text', text: `${n + 1}. ${i.title ?? i.barcode}`, bold: true }, { type: 'text', text: i.barcode, size: 'small' }, { type: 'space', dots: 6 });
  });
  blocks.push(
    { type: 'rule', dashed: true },
    { type: 'text', text: 'Cảm ơn em đã trả sách!', align: 'center' },
    { type: 'text', text: 'Thank you for returning your books.', size: 'small', align: 'center' },
  );
  return { lines, blocks };
}
