import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { controlField, readIso2709, subfield, type MarcRecord } from '../../../core/marc/iso2709.ts';
import { MARCXML_NS, readMarcXml, writeMarcXml } from '../../../core/marc/marcxml.ts';

const fixture = (p: string): Buffer => readFileSync(new URL(`../../fixtures/marc/${p}`, import.meta.url));

const rec = (id: string, title: string): string =>
  `<record><leader>00000nam a2200000 i 4500</leader><controlfield tag="001">${id}</controlfield>` +
  `<datafield tag="245" ind1="1" ind2="0"><subfield code="a">${title}</subfield></datafield></record>`;
const doc = (...records: string[]): string => `<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="${MARCXML_NS}">\n${records.join('\n')}\n</collection>\n`;

describe('core/marc/marcxml', () => {
  it('reads the vn-school MARCXML as the same records as the UTF-8 ISO 2709 file', () => {
    const xml = readMarcXml(fixture('vn-school/vn-school.xml'));
    const iso = readIso2709(fixture('vn-school/vn-school-utf8.mrc'));
    assert.deepEqual(xml.errors, []);
    assert.equal(xml.records.length, 15);
    for (let i = 0; i < 15; i++) assert.deepEqual(xml.records[i]!.fields, iso.records[i]!.fields, `record ${i + 1}`);
  });

  it('reads pymarc batch.xml (2 records, 18 fields in the first) and marc4j chabon.xml like chabon.mrc', () => {
    const batch = readMarcXml(fixture('pymarc/batch.xml'));
    assert.equal(batch.records.length, 2);
    assert.equal(batch.records[0]!.fields.length, 18);
    assert.equal(controlField(batch.records[0]!, '008'), '910926s1957    nyuuun              eng  ');
    assert.equal(subfield(batch.records[0]!, '245', 'a'), 'The Great Ray Charles');
    const chabonXml = readMarcXml(fixture('marc4j/chabon.xml'));
    const chabonMrc = readIso2709(fixture('marc4j/chabon.mrc'));
    assert.deepEqual(
      chabonXml.records.map((r) => r.fields),
      chabonMrc.records.map((r) => r.fields),
    );
  });

  it('writes the slim namespace and escapes markup; reading it back gives the same record', () => {
    const r: MarcRecord = {
      leader: '00000nam a2200000 i 4500',
      fields: [
        { tag: '001', value: 'A&B' },
        { tag: '245', ind1: '1', ind2: '0', subfields: [{ code: 'a', value: '<Tom & "Jerry"> ' }, { code: 'c', value: 'Tô Hoài\r\n' }] },
      ],
    };
    const xml = writeMarcXml([r]);
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<collection xmlns="http:\/\/www.loc.gov\/MARC21\/slim">/);
    assert.ok(xml.includes('&lt;Tom &amp; "Jerry"&gt; '));
    const back = readMarcXml(xml);
    assert.deepEqual(back.errors, []);
    assert.deepEqual(back.records[0]!.fields, r.fields);
  });

  it('accepts a prefixed namespace, a single <record> root, a BOM, comments and CDATA, and normalises to NFC', () => {
    const nfd = 'Tôi thấy hoa vàng'.normalize('NFD');
    const xml =
      '\uFEFF<?xml version="1.0"?><!-- export --><marc:record xmlns:marc="http://www.loc.gov/MARC21/slim">' +
      '<marc:leader>00000nam a2200000 i 4500</marc:leader><marc:datafield tag="245" ind1="1" ind2="0">' +
      `<marc:subfield code="a"><![CDATA[A <b> & c]]></marc:subfield><marc:subfield code="b">${nfd}</marc:subfield></marc:datafield></marc:record>`;
    const { records, errors } = readMarcXml(Buffer.from(xml));
    assert.deepEqual(errors, []);
    assert.equal(subfield(records[0]!, '245', 'a'), 'A <b> & c');
    assert.equal(subfield(records[0]!, '245', 'b'), 'Tôi thấy hoa vàng'.normalize('NFC'));
  });

  it('reports a broken record with its number, line and byte offset, and reads the others', () => {
    const xml = doc(rec('1', 'Một'), rec('2', 'Hai & ba'), '<record><leader>00000nam a2200000 i 4500</leader><datafield tag="24" ind1="1" ind2="0"><subfield code="a">x</subfield></datafield></record>', rec('4', 'Bốn'));
    const { records, errors } = readMarcXml(Buffer.from(xml));
    assert.deepEqual(
      records.map((r) => controlField(r, '001')),
      ['1', '4'],
    );
    assert.equal(errors.length, 2);
    assert.deepEqual(
      errors.map((e) => [e.index, e.line, e.severity]),
      [
        [1, 4, 'error'],
        [2, 5, 'error'],
      ],
    );
    assert.match(errors[0]!.reason, /bare "&"/);
    assert.match(errors[0]!.reasonVi, /&amp;/);
    assert.match(errors[1]!.reason, /invalid tag "24"/);
    // Byte offsets count UTF-8 bytes ("Một" is 5 bytes, 3 characters).
    assert.equal(errors[0]!.offset, Buffer.from(xml).indexOf('<record><leader>00000nam a2200000 i 4500</leader><controlfield tag="001">2<'));
  });

  it('reports a file cut off in the middle of a record as truncated', () => {
    const full = doc(rec('1', 'Một'), rec('2', 'Hai'));
    const cut = full.slice(0, full.lastIndexOf('<datafield'));
    const { records, errors } = readMarcXml(cut);
    assert.equal(records.length, 1);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.index, 1);
    assert.match(errors[0]!.reason, /file ends in the middle of this record/);
    assert.match(errors[0]!.reasonVi, /cắt cụt/);
  });

  it('a record missing its end tag is reported and the next one is still read', () => {
    const xml = doc(rec('1', 'Một').replace('</record>', ''), rec('2', 'Hai'));
    const { records, errors } = readMarcXml(xml);
    assert.deepEqual(
      records.map((r) => controlField(r, '001')),
      ['2'],
    );
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.reason, /no <\/record> end tag/);
  });

  it('says so when a file holds no MARCXML record at all', () => {
    assert.match(readMarcXml('<html><body>hello</body></html>').errors[0]!.reason, /no MARCXML record/);
    assert.deepEqual(readMarcXml(''), { records: [], errors: [] });
  });

  it('repairs a missing or short leader with a warning', () => {
    const xml = doc('<record><leader>00000nam</leader><datafield tag="245" ind1="0" ind2="0"><subfield code="a">x</subfield></datafield></record>', '<record><datafield tag="245" ind1="0" ind2="0"><subfield code="a">y</subfield></datafield></record>');
    const { records, errors } = readMarcXml(xml);
    assert.equal(records.length, 2);
    assert.equal(records[0]!.leader.length, 24);
    assert.equal(records[1]!.leader.length, 24);
    assert.deepEqual(
      errors.map((e) => [e.index, e.severity]),
      [
        [0, 'warning'],
        [1, 'warning'],
      ],
    );
  });
});
