/**
 * A slip as structured blocks, so the printer can lay text out by pixel width in a proportional
 * font, make headings bold, and send barcodes natively. `Slip.lines` stays the plain-text form
 * (the text printer and logs use it); a printer that understands blocks prefers them.
 */
import type { Slip } from '../interfaces.ts';

export type SlipTextSize = 'small' | 'normal' | 'large' | 'title';
export type SlipAlign = 'left' | 'center' | 'right';

export type SlipBlock =
  /** Wrapped text; '\n' starts a new line. `indent` shifts every line right (dots, default 0). */
  | { type: 'text'; text: string; size?: SlipTextSize; bold?: boolean; align?: SlipAlign; indent?: number }
  /**
   * `left` and `right` on the same baseline (an item's number … its due date); `left` wraps below
   * if it is too long. `bold` says which side is bold; `indent` shifts `left` (dots).
   */
  | { type: 'pair'; left: string; right: string; size?: SlipTextSize; bold?: 'left' | 'right' | 'both'; indent?: number }
  /** A horizontal rule across the paper. */
  | { type: 'rule'; dashed?: boolean }
  /** Vertical space in dots (8 dots = 1 mm at 203 dpi). */
  | { type: 'space'; dots: number }
  /** A CODE128 barcode drawn by the printer (printable ASCII only), text below unless hri is false. */
  | { type: 'barcode'; data: string; hri?: boolean; heightDots?: number }
  /** A QR code drawn by the printer (GS ( k; printable ASCII only). Printers without QR skip it. */
  | { type: 'qr'; data: string; moduleDots?: number };

/** A slip with structured blocks (see SlipBlock); `lines` stays the plain-text fallback. */
export interface RichSlip extends Slip {
  blocks?: SlipBlock[];
}

/**
 * The blocks of a slip: its own, or its text lines, where a line of only dashes or '=' becomes a
 * rule and leading spaces become an indent of 12 dots each (the width of a printer's Font A cell).
 */
export function blocksOf(slip: RichSlip): SlipBlock[] {
  if (slip.blocks && slip.blocks.length > 0) return slip.blocks;
  return slip.lines.map((line): SlipBlock => {
    if (/^\s*[-=_]{4,}\s*$/.test(line)) return { type: 'rule' };
    const lead = /^ */.exec(line)?.[0].length ?? 0;
    return lead > 0 ? { type: 'text', text: line.slice(lead), indent: lead * 12 } : { type: 'text', text: line };
  });
}

export function isPrintableAscii(s: string): boolean {
  return /^[\x20-\x7e]+$/.test(s);
}
