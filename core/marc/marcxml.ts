/**
 * MARCXML (the MARC 21 "slim" schema, http://www.loc.gov/MARC21/slim) reader and writer.
 *
 * The reader works record by record, so one broken <record> is reported with its position (record
 * number, line, byte offset) and the rest of the file is still read. It accepts the slim namespace
 * with or without a prefix, a single <record> as the root or a <collection>, a BOM, comments and
 * CDATA. Text is decoded (entities, character references) and normalised to NFC. The writer emits
 * the slim namespace, UTF-8, one element per line; reading its output gives back the same record.
 */
import type { MarcDataField, MarcField, MarcReadProblem, MarcReadResult, MarcRecord, MarcSubfield, Reason } from './iso2709.ts';
import { isControlField } from './iso2709.ts';

export const MARCXML_NS = 'http://www.loc.gov/MARC21/slim';

const r = (vi: string, en: string): Reason => ({ vi, en });

class XmlProblem extends Error {
  constructor(
    readonly reason: Reason,
    readonly at: number,
  ) {
    super(reason.en);
  }
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string, at: number): string {
  if (!s.includes('&')) return s;
  return s.replace(/&([^;&\s]{1,10});|&/g, (whole, body: string | undefined, off: number) => {
    if (body === undefined) {
      throw new XmlProblem(r('dấu "&" đứng một mình (phải viết là &amp;)', 'a bare "&" (it must be written &amp;)'), at + off);
    }
    let cp: number | undefined;
    if (body.startsWith('#x') || body.startsWith('#X')) cp = parseInt(body.slice(2), 16);
    else if (body.startsWith('#')) cp = parseInt(body.slice(1), 10);
    else if (ENTITIES[body] !== undefined) return ENTITIES[body]!;
    if (cp === undefined || !Number.isInteger(cp) || cp < 0 || cp > 0x10ffff) {
      throw new XmlProblem(r(`tham chiếu ký tự không hợp lệ "${whole}"`, `unknown entity or character reference "${whole}"`), at + off);
    }
    return String.fromCodePoint(cp);
  });
}

interface Tag {
  /** Local name (prefix removed). */
  name: string;
  attrs: Record<string, string>;
  selfClosing: boolean;
  closing: boolean;
  /** Index just past the ">". */
  end: number;
}

/** Parses the tag that starts at `lt` (xml[lt] === '<'), which is not a comment, PI or CDATA. */
function parseTag(xml: string, lt: number): Tag {
  const gt = xml.indexOf('>', lt);
  if (gt < 0) throw new XmlProblem(r('thẻ XML không được đóng bằng ">"', 'an XML tag is not closed with ">"'), lt);
  let body = xml.slice(lt + 1, gt);
  const closing = body.startsWith('/');
  if (closing) body = body.slice(1);
  const selfClosing = body.endsWith('/');
  if (selfClosing) body = body.slice(0, -1);
  const m = /^\s*([A-Za-z_][\w.:-]*)/.exec(body);
  if (!m) throw new XmlProblem(r('thẻ XML không có tên', 'an XML tag has no name'), lt);
  const qname = m[1]!;
  const name = qname.includes(':') ? qname.slice(qname.indexOf(':') + 1) : qname;
  const attrs: Record<string, string> = {};
  const rest = body.slice(m[0].length);
  const attrRe = /\s*([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/gy;
  let pos = 0;
  while (pos < rest.length) {
    attrRe.lastIndex = pos;
    const a = attrRe.exec(rest);
    if (!a) {
      if (/^\s*$/.test(rest.slice(pos))) break;
      throw new XmlProblem(r(`thuộc tính viết sai trong thẻ <${qname}>`, `a malformed attribute in <${qname}>`), lt);
    }
    const an = a[1]!;
    attrs[an.includes(':') ? an.slice(an.indexOf(':') + 1) : an] = decodeEntities(a[3] ?? a[4] ?? '', lt);
    pos = attrRe.lastIndex;
  }
  return { name, attrs, selfClosing, closing, end: gt + 1 };
}

/** Character content of an element whose start tag ended at `from`, up to its end tag. */
function readText(xml: string, from: number, name: string): { text: string; end: number } {
  let text = '';
  let i = from;
  for (;;) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) throw new XmlProblem(r(`thiếu thẻ đóng </${name}>`, `missing end tag </${name}>`), from);
    text += decodeEntities(xml.slice(i, lt), i);
    if (xml.startsWith('<![CDATA[', lt)) {
      const e = xml.indexOf(']]>', lt);
      if (e < 0) throw new XmlProblem(r('đoạn CDATA không được đóng', 'an unterminated CDATA section'), lt);
      text += xml.slice(lt + 9, e);
      i = e + 3;
      continue;
    }
    if (xml.startsWith('<!--', lt)) {
      const e = xml.indexOf('-->', lt);
      if (e < 0) throw new XmlProblem(r('chú thích XML không được đóng', 'an unterminated XML comment'), lt);
      i = e + 3;
      continue;
    }
    const t = parseTag(xml, lt);
    if (t.closing && t.name === name) return { text, end: t.end };
    throw new XmlProblem(r(`gặp thẻ <${t.name}> bên trong <${name}>, nơi chỉ được có văn bản`, `unexpected <${t.name}> inside <${name}>, which holds text only`), lt);
  }
}

const VALID_TEXT = /^[\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

/** Parses one <record> element body (between its start and end tags) into a MarcRecord. */
function parseRecordBody(xml: string, from: number, to: number, warn: (m: Reason) => void): MarcRecord {
  let leader: string | null = null;
  const fields: MarcField[] = [];
  let i = from;
  let current: MarcDataField | null = null;
  while (i < to) {
    const lt = xml.indexOf('<', i);
    if (lt < 0 || lt >= to) {
      if (xml.slice(i, to).trim() !== '') throw new XmlProblem(r('có văn bản lạc chỗ trong <record>', 'stray text inside <record>'), i);
      break;
    }
    if (xml.slice(i, lt).trim() !== '') throw new XmlProblem(r('có văn bản lạc chỗ trong <record>', 'stray text inside <record>'), i);
    if (xml.startsWith('<!--', lt)) {
      const e = xml.indexOf('-->', lt);
      if (e < 0 || e > to) throw new XmlProblem(r('chú thích XML không được đóng', 'an unterminated XML comment'), lt);
      i = e + 3;
      continue;
    }
    if (xml.startsWith('<?', lt)) {
      const e = xml.indexOf('?>', lt);
      i = e < 0 ? to : e + 2;
      continue;
    }
    const t = parseTag(xml, lt);
    i = t.end;
    if (t.closing) {
      if (t.name === 'datafield' && current) {
        current = null;
        continue;
      }
      throw new XmlProblem(r(`thẻ đóng </${t.name}> không khớp`, `an unmatched end tag </${t.name}>`), lt);
    }
    switch (t.name) {
      case 'leader': {
        const { text, end } = t.selfClosing ? { text: '', end: t.end } : readText(xml, t.end, 'leader');
        i = end;
        leader = text;
        break;
      }
      case 'controlfield': {
        if (current) throw new XmlProblem(r('<controlfield> nằm trong <datafield>', '<controlfield> inside <datafield>'), lt);
        const { text, end } = t.selfClosing ? { text: '', end: t.end } : readText(xml, t.end, 'controlfield');
        i = end;
        const tag = t.attrs.tag ?? '';
        if (!/^[\x21-\x7e]{3}$/.test(tag)) {
          throw new XmlProblem(r(`<controlfield> có nhãn không hợp lệ "${tag}"`, `<controlfield> has an invalid tag "${tag}"`), lt);
        }
        fields.push({ tag, value: text.normalize('NFC') });
        break;
      }
      case 'datafield': {
        if (current) throw new XmlProblem(r('<datafield> lồng trong <datafield>', '<datafield> nested in <datafield>'), lt);
        const tag = t.attrs.tag ?? '';
        if (!/^[\x21-\x7e]{3}$/.test(tag)) {
          throw new XmlProblem(r(`<datafield> có nhãn không hợp lệ "${tag}"`, `<datafield> has an invalid tag "${tag}"`), lt);
        }
        const ind = (v: string | undefined, n: number): string => {
          if (v === undefined || v === '') return ' ';
          if (v.length !== 1) {
            warn(r(`chỉ thị ${n} của trường ${tag} là "${v}", đã lấy ký tự đầu`, `indicator ${n} of field ${tag} is "${v}"; its first character was kept`));
          }
          return v[0]!;
        };
        const f: MarcDataField = { tag, ind1: ind(t.attrs.ind1, 1), ind2: ind(t.attrs.ind2, 2), subfields: [] };
        fields.push(f);
        if (!t.selfClosing) current = f;
        break;
      }
      case 'subfield': {
        if (!current) throw new XmlProblem(r('<subfield> nằm ngoài <datafield>', '<subfield> outside <datafield>'), lt);
        const { text, end } = t.selfClosing ? { text: '', end: t.end } : readText(xml, t.end, 'subfield');
        i = end;
        const code = t.attrs.code ?? '';
        if (code.length !== 1) {
          throw new XmlProblem(
            r(`trường ${current.tag} có mã trường con không hợp lệ "${code}"`, `field ${current.tag} has an invalid subfield code "${code}"`),
            lt,
          );
        }
        const s: MarcSubfield = { code, value: text.normalize('NFC') };
        current.subfields.push(s);
        break;
      }
      default:
        throw new XmlProblem(r(`thẻ <${t.name}> không thuộc MARCXML`, `<${t.name}> is not a MARCXML element`), lt);
    }
  }
  if (current) throw new XmlProblem(r(`thiếu thẻ đóng </datafield> của trường ${current.tag}`, `missing </datafield> for field ${current.tag}`), to);
  if (leader === null) {
    warn(r('biểu ghi không có đầu biểu (<leader>); đã dùng đầu biểu mặc định', 'the record has no <leader>; a default leader was used'));
    leader = '00000nam a2200000 i 4500';
  } else if (leader.length !== 24) {
    warn(r(`đầu biểu dài ${leader.length} ký tự thay vì 24; đã chỉnh lại`, `the leader is ${leader.length} characters long instead of 24; it was adjusted`));
    leader = leader.slice(0, 24).padEnd(24, ' ');
  }
  if (fields.length === 0) throw new XmlProblem(r('biểu ghi không có trường nào', 'the record has no fields'), from);
  return { leader, fields };
}

function decodeXmlBytes(input: Uint8Array | string): string {
  if (typeof input === 'string') return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  let bytes = input;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const m = /^<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/.exec(head);
  let label = m?.[1]?.toLowerCase() ?? 'utf-8';
  try {
    new TextDecoder(label);
  } catch {
    label = 'utf-8';
  }
  return new TextDecoder(label).decode(bytes);
}

/** Line (1-based) of a character offset. */
function lineAt(xml: string, at: number, cache: { pos: number; line: number }): number {
  if (at < cache.pos) {
    cache.pos = 0;
    cache.line = 1;
  }
  for (let k = cache.pos; k < at; k++) if (xml.charCodeAt(k) === 10) cache.line++;
  cache.pos = at;
  return cache.line;
}

const utf8 = new TextEncoder();

/**
 * Reads every <record> of a MARCXML document. Never throws on bad data: a record that cannot be
 * read is listed in `errors` with its number, line and byte offset, and reading goes on with the
 * next <record>.
 */
export function readMarcXml(input: Uint8Array | string): MarcReadResult {
  const xml = decodeXmlBytes(input);
  const records: MarcRecord[] = [];
  const errors: MarcReadProblem[] = [];
  const startRe = /<(?:([A-Za-z_][\w.-]*):)?record(?=[\s>/])/g;
  const cache = { pos: 0, line: 1 };
  let index = 0;
  let m: RegExpExecArray | null;
  // Byte offsets are counted incrementally, for the report.
  let bytePos = 0;
  let charPos = 0;
  const byteAt = (at: number): number => {
    if (at < charPos) {
      charPos = 0;
      bytePos = 0;
    }
    bytePos += utf8.encode(xml.slice(charPos, at)).length;
    charPos = at;
    return bytePos;
  };
  let searchFrom = 0;
  startRe.lastIndex = 0;
  while ((m = startRe.exec(xml)) !== null) {
    const start = m.index;
    if (start < searchFrom) continue;
    const prefix = m[1];
    const endTag = prefix ? `</${prefix}:record>` : '</record>';
    const problems: MarcReadProblem[] = [];
    const pos = { index, offset: byteAt(start), line: lineAt(xml, start, cache) };
    const warn = (x: Reason): void => {
      problems.push({ ...pos, reason: x.en, reasonVi: x.vi, severity: 'warning' });
    };
    let next = xml.length;
    try {
      const t = parseTag(xml, start);
      if (t.selfClosing) throw new XmlProblem(r('biểu ghi rỗng (<record/>)', 'an empty record (<record/>)'), start);
      const end = xml.indexOf(endTag, t.end);
      const nextStart = xml.slice(t.end).search(/<(?:[A-Za-z_][\w.-]*:)?record(?=[\s>/])/);
      const nextAt = nextStart < 0 ? -1 : t.end + nextStart;
      if (end < 0 || (nextAt >= 0 && nextAt < end)) {
        throw new XmlProblem(
          end < 0 && nextAt < 0
            ? r('tệp kết thúc giữa chừng biểu ghi này (thiếu </record>; có lẽ tệp bị cắt cụt)', 'the file ends in the middle of this record (no </record>; the file is probably truncated)')
            : r('biểu ghi thiếu thẻ đóng </record>', 'the record has no </record> end tag'),
          start,
        );
      }
      next = end + endTag.length;
      const body = xml.slice(t.end, end);
      if (!VALID_TEXT.test(body)) {
        throw new XmlProblem(r('biểu ghi chứa ký tự điều khiển không được phép trong XML', 'the record contains a control character XML does not allow'), start);
      }
      const rec = parseRecordBody(xml, t.end, end, warn);
      records.push({ ...rec, source: { index, offset: pos.offset, length: byteAt(next) - pos.offset } });
    } catch (err) {
      if (!(err instanceof XmlProblem)) throw err;
      const line = lineAt(xml, Math.max(err.at, start), { pos: 0, line: 1 });
      const where = line !== pos.line ? { vi: ` (dòng ${line})`, en: ` (line ${line})` } : { vi: '', en: '' };
      problems.push({ ...pos, reason: err.reason.en + where.en, reasonVi: err.reason.vi + where.vi, severity: 'error' });
      const after = xml.indexOf(endTag, start);
      const nextRecord = xml.slice(start + 1).search(/<(?:[A-Za-z_][\w.-]*:)?record(?=[\s>/])/);
      // Resume at whichever comes first: this record's end tag or the next record's start tag.
      const candidates = [after >= 0 ? after + endTag.length : -1, nextRecord >= 0 ? start + 1 + nextRecord : -1].filter((x) => x > start);
      next = candidates.length ? Math.min(...candidates) : xml.length;
    }
    errors.push(...problems);
    index++;
    searchFrom = next;
    startRe.lastIndex = next;
  }
  if (index === 0 && xml.trim() !== '') {
    const looksXml = xml.trimStart().startsWith('<');
    errors.push({
      index: 0,
      offset: 0,
      line: 1,
      severity: 'error',
      reasonVi: looksXml ? 'tệp XML không chứa biểu ghi MARCXML nào (<record>)' : 'tệp không phải là MARCXML',
      reason: looksXml ? 'the XML file holds no MARCXML record (<record>)' : 'the file is not MARCXML',
    });
  }
  return { records, errors };
}

function esc(s: string, attr: boolean): string {
  let out = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  if (attr) out = out.replace(/"/g, '&quot;');
  // CR would be read back as LF and tab/LF in attributes as spaces: keep them as references.
  out = out.replace(/\r/g, '&#13;');
  if (attr) out = out.replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
  return out;
}

function checkXmlText(s: string, where: string): void {
  if (!VALID_TEXT.test(s)) {
    throw new Error(`${where} contains a control character that XML 1.0 cannot carry`);
  }
}

/** One <record> element (no XML declaration), indented by `indent`. */
export function marcXmlRecord(rec: MarcRecord, indent = '  ', ns = false): string {
  const i2 = indent + '  ';
  const i3 = i2 + '  ';
  const lines: string[] = [];
  lines.push(`${indent}<record${ns ? ` xmlns="${MARCXML_NS}"` : ''}>`);
  checkXmlText(rec.leader, 'the leader');
  lines.push(`${i2}<leader>${esc(rec.leader, false)}</leader>`);
  for (const f of rec.fields) {
    if (isControlField(f)) {
      checkXmlText(f.value, `field ${f.tag}`);
      lines.push(`${i2}<controlfield tag="${esc(f.tag, true)}">${esc(f.value, false)}</controlfield>`);
    } else {
      lines.push(`${i2}<datafield tag="${esc(f.tag, true)}" ind1="${esc(f.ind1, true)}" ind2="${esc(f.ind2, true)}">`);
      for (const s of f.subfields) {
        checkXmlText(s.value, `${f.tag} $${s.code}`);
        lines.push(`${i3}<subfield code="${esc(s.code, true)}">${esc(s.value, false)}</subfield>`);
      }
      lines.push(`${i2}</datafield>`);
    }
  }
  lines.push(`${indent}</record>`);
  return lines.join('\n');
}

export const MARCXML_HEAD = `<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="${MARCXML_NS}">\n`;
export const MARCXML_TAIL = `</collection>\n`;

/** A whole MARCXML document: a <collection> in the slim namespace. */
export function writeMarcXml(records: MarcRecord[]): string {
  return MARCXML_HEAD + records.map((rec) => marcXmlRecord(rec) + '\n').join('') + MARCXML_TAIL;
}
