/** Lays out a loan slip as lines of text for a printer of the given width (characters). */
import type { KioskItemLine } from '#core/protocol/kiosk-events.ts';
import type { PatronView } from '#core/protocol/messages.ts';
import type { RichSlip, SlipBlock } from '#hardware/printer/slip-document.ts';

function vnDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && (line + ' ' + word).length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
    while (line.length > width) {
      out.push(line.slice(0, width));
      line = line.slice(width);
    }
  }
  if (line) out.push(line);
  return out;
}

/** utcOffsetMinutes: the school's time zone (the calendar's; Vietnam is +420, the default). */
export function slipFor(a: { schoolName: string; patron: PatronView; items: KioskItemLine[]; at: Date; width: number; utcOffsetMinutes?: number }): RichSlip {
  const rule = '-'.repeat(a.width);
  const at = new Date(a.at.getTime() + (a.utcOffsetMinutes ?? 420) * 60000).toISOString(); // school time
  const lines = [
    ...wrap(a.schoolName, a.width),
    ...wrap('PHIẾU MƯỢN SÁCH / LOAN SLIP', a.width),
    `${vnDate(at.slice(0, 10))} ${at.slice(11, 16)}`,
    rule,
    ...wrap(`${a.patron.fullName}${a.patron.className ? ` - Lớp ${a.patron.className}` : ''}`, a.width),
    rule,
  ];
  a.items.forEach((i, n) => {
    lines.push(...wrap(`${n + 1}. ${i.title ?? i.barcode}`, a.width));
    lines.push(`   ${i.barcode}`);
    if (i.dueDate) lines.push(...wrap(`   Hạn trả / Due: ${vnDate(i.dueDate)}`, a.width).map((l, k) => (k === 0 ? l : `   ${l}`)));
  });
  lines.push(rule, ...wrap('Em nhớ trả sách đúng hạn nhé! Please return on time.', a.width));
  // The raster layout (what a thermal printer prints); the lines above are its plain-text twin.
  // No card barcode on the slip: whoever holds the slip could otherwise scan it as the pupil's card.
  const blocks: SlipBlock[] = [
    { type: 'text', text: a.schoolName, size: 'large', bold: true, align: 'center' },
    { type: 'space', dots: 8 },
    { type: 'text', text: 'PHIẾU MƯỢN SÁCH', size: 'title', bold: true, align: 'center' },
    { type: 'text', text: `Loan slip · ${vnDate(at.slice(0, 10))} ${at.slice(11, 16)}`, size: 'small', align: 'center' },
    { type: 'rule' },
    { type: 'text', text: a.patron.fullName, size: 'large', bold: true },
    ...(a.patron.className ? [{ type: 'text' as const, text: `Lớp ${a.patron.className}`, size: 'small' as const }] : []),
    { type: 'rule' },
  ];
  a.items.forEach((i, n) => {
    blocks.push(
      { type: 'text', text: `${n + 1}. ${i.title ?? i.barcode}`, bold: true },
      { type: 'pair', left: i.barcode, right: i.dueDate ? `Hạn trả ${vnDate(i.dueDate)}` : '', bold: 'right', indent: 28 },
      { type: 'space', dots: 6 },
    );
  });
  blocks.push(
    { type: 'rule', dashed: true },
    { type: 'text', text: 'Em nhớ trả sách đúng hạn nhé!', align: 'center' },
    { type: 'text', text: 'Please return the books on time.', size: 'small', align: 'center' },
  );
  return { lines, blocks };
}
