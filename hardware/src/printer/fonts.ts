/**
 * The slip font: Be Vietnam Pro (OFL-1.1), medium and bold, committed under assets/fonts so that a
 * slip renders to the same dots on every station whatever npm installs. fontsource splits the face
 * into a "latin" file (ASCII, Latin-1: Á, Ê, Ô …) and a "vietnamese" file (Ă, Đ, Ơ, Ư, ạ … ỹ);
 * both are registered under one family so each character finds its glyph.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GlobalFonts } from '@napi-rs/canvas';

/** The family name slips are drawn with (registered by registerSlipFonts). */
export const SLIP_FONT_FAMILY = 'OpenShelf Slip';

export const SLIP_FONT_DIR = fileURLToPath(new URL('../../../assets/fonts/be-vietnam-pro/', import.meta.url));

export const SLIP_FONT_FILES = [
  'be-vietnam-pro-latin-500-normal.woff2',
  'be-vietnam-pro-vietnamese-500-normal.woff2',
  'be-vietnam-pro-latin-700-normal.woff2',
  'be-vietnam-pro-vietnamese-700-normal.woff2',
] as const;

export class SlipFontError extends Error {
  override name = 'SlipFontError';
}

let registered = false;

/** Registers the committed font files once per process; throws SlipFontError if one is missing or unreadable. */
export function registerSlipFonts(): string {
  if (registered) return SLIP_FONT_FAMILY;
  for (const f of SLIP_FONT_FILES) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(SLIP_FONT_DIR + f);
    } catch (err) {
      throw new SlipFontError(`slip font ${f} missing in ${SLIP_FONT_DIR}: ${(err as Error).message}`);
    }
    if (!GlobalFonts.register(bytes, SLIP_FONT_FAMILY)) throw new SlipFontError(`slip font ${f} could not be registered`);
  }
  registered = true;
  return SLIP_FONT_FAMILY;
}
