import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parseCsv, detectDelimiter } from '#server/patrons/csv.ts';
import { readXlsx, excelSerialToIso, XlsxError } from '#server/patrons/xlsx.ts';
import { fieldOfHeading, normaliseClassName, parseDob, parseRoster, RosterFileError } from '#server/patrons/roster-file.ts';
import { writeXlsx, writeZip } from '../fixtures/rosters/write-xlsx.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/rosters/${name}`, import.meta.url));

describe('dashboard/patrons roster files: CSV', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks, CR LF or LF', () => {
    assert.deepEqual(parseCsv('a;"b;c";"say ""hi"""\r\n"two\nlines";x;\n'), [
      ['a', 'b;c', 'say "hi"'],
      ['two\nlines', 'x', ''],
    ]);
    assert.equal(detectDelimiter('Họ và tên;Lớp;Ngày sinh\nAn;4A;01/01/2017\n'), ';');
    assert.equal(detectDelimiter('"Nguyễn, Văn";4A\nx;y'), ';');
    assert.equal(detectDelimiter('Họ và tên,Lớp\nAn,4A'), ',');
    assert.equal(detectDelimiter('Họ và tên\tLớp\nAn\t4A'), '\t');
  });

  it('finds the header under the title rows of a BOM, semicolon file and keeps spreadsheet row numbers', () => {
    const r = parseRoster(fixture('lop-4a-bom-semicolon.csv'));
    assert.equal(r.headerRow, 5);
    assert.deepEqual(Object.keys(r.columns).sort(), ['className', 'dob', 'fullName', 'gender', 'pupilCode', 'textbook']);
    assert.equal(r.columns.fullName, 'Họ và tên', 'the BOM does not stick to a heading');
    assert.deepEqual(
      r.entries.map((e) => [e.rowNumber, e.fullName, e.className, e.dob, e.gender, e.textbookEligible]),
      [
        [6, 'Nguyễn Văn An', '4A', '2017-09-05', 'male', true],
        [7, 'Trần Thị Bình', '4A', '2017-02-14', 'female', false],
        [8, 'Lê "Bé" Cúc', '4A', '2017-12-01', 'female', false],
        [10, 'Đỗ Thị Én', '4A', '2017-03-07', 'female', true],
      ],
    );
    assert.deepEqual(r.rejected.map((x) => [x.rowNumber, x.code]), [[9, 'BAD_DOB']]);
  });

  it('matches headings whatever their diacritics, case and spelling', () => {
    const cases: [string, string][] = [
      ['HỌ VÀ TÊN', 'fullName'],
      ['Ho va ten', 'fullName'],
      ['Họ tên học sinh', 'fullName'],
      ['Lớp', 'className'],
      ['LOP', 'className'],
      ['Ngày/tháng/năm sinh', 'dob'],
      ['Ngày sinh', 'dob'],
      ['Mã học sinh', 'pupilCode'],
      ['Mã định danh', 'pupilCode'],
      ['Mã HS', 'pupilCode'],
      ['Giới tính', 'gender'],
      ['Số thẻ', 'card'],
      ['Mã thẻ thư viện', 'card'],
      ['UID', 'uid'],
      ['Mã RFID', 'uid'],
      ['Mượn SGK', 'textbook'],
      ['muon sach giao khoa', 'textbook'],
      ['Mã PIN', 'pin'],
      ['Chức vụ', 'kind'],
      ['Đối tượng', 'kind'],
    ];
    for (const [h, f] of cases) assert.equal(fieldOfHeading(h), f, h);
    assert.equal(fieldOfHeading('Ghi chú'), null);
    assert.equal(fieldOfHeading('Địa chỉ'), null);
  });

  it('joins separate family and given name columns', () => {
    const r = parseRoster(Buffer.from('Họ đệm,Tên,Lớp\nNguyễn Thị,Mai,3B\n'));
    assert.equal(r.entries[0]!.fullName, 'Nguyễn Thị Mai');
  });

  it('normalises classes and dates, and refuses impossible ones', () => {
    assert.deepEqual(normaliseClassName('Lớp 4a'), { name: '4A', grade: 4 });
    assert.deepEqual(normaliseClassName(' 10 A1 '), { name: '10A1', grade: 10 });
    assert.equal(normaliseClassName('Mầm non'), null);
    assert.equal(normaliseClassName('13A'), null);
    assert.equal(parseDob('05/09/2017'), '2017-09-05');
    assert.equal(parseDob('5-9-2017'), '2017-09-05');
    assert.equal(parseDob('5.9.2017'), '2017-09-05');
    assert.equal(parseDob('2017-09-05'), '2017-09-05');
    assert.equal(parseDob('42983'), '2017-09-05', 'an Excel serial typed as text');
    assert.equal(parseDob('29/02/2017'), null);
    assert.equal(parseDob('05/13/2017'), null);
    assert.equal(parseDob('05/09/17'), null);
  });

  it('rejects each bad row with its row number and a reason in Vietnamese and English', () => {
    const csv = [
      'Họ và tên,Lớp,Giới tính,Số thẻ,UID,Mượn SGK,Loại',
      ',4A,Nam,,,,',
      'Nguyễn Văn A,,Nam,,,,',
      'Nguyễn Văn B,Mầm non,Nam,,,,',
      'Nguyễn Văn C,4A,Không rõ,,,,',
      'Nguyễn Văn D,4A,Nam,20001000000013,,,',
      'Nguyễn Văn E,4A,Nam,,XYZ,,',
      'Nguyễn Văn F,4A,Nam,,,có lẽ,',
      'Nguyễn Văn G,4A,Nam,,,,phụ huynh',
      'Nguyễn Văn H,4A,Nam,,,,',
    ].join('\n');
    const r = parseRoster(Buffer.from(csv));
    assert.deepEqual(
      r.rejected.map((x) => [x.rowNumber, x.code]),
      [
        [2, 'NO_NAME'],
        [3, 'NO_CLASS'],
        [4, 'BAD_CLASS'],
        [5, 'BAD_GENDER'],
        [6, 'BAD_CARD'],
        [7, 'BAD_UID'],
        [8, 'BAD_TEXTBOOK'],
        [9, 'BAD_KIND'],
      ],
    );
    for (const x of r.rejected) assert.ok(x.message_vi.length > 0 && x.message_en.length > 0 && x.message_vi !== x.message_en);
    assert.deepEqual(r.entries.map((e) => e.fullName), ['Nguyễn Văn H']);
  });

  it('refuses what is not a roster: no header, not UTF-8, an old .xls', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof RosterFileError);
        return e.code;
      }
      return 'no error';
    };
    assert.equal(code(() => parseRoster(fixture('not-a-roster.csv'))), 'NO_HEADER');
    assert.equal(code(() => parseRoster(Buffer.from('Ho va ten,Lop\nNguy\xe1n,4A\n', 'latin1'))), 'NOT_UTF8');
    assert.equal(code(() => parseRoster(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))), 'OLD_XLS');
    assert.equal(code(() => parseRoster(Buffer.alloc(0))), 'NO_HEADER');
  });
});

describe('dashboard/patrons roster files: XLSX', () => {
  it('reads shared strings, inline strings, numbers and date-formatted serials with their row numbers', () => {
    for (const inline of [false, true]) {
      const x = writeXlsx(
        [
          ['Danh sách'],
          [],
          ['Họ và tên', 'Ngày sinh', 'STT', 'Ghi <chú> & "khác"'],
          ['Nguyễn Văn An', { date: '2017-09-05' }, 1, null, 'Tiếng Việt'],
        ],
        { inline, firstRow: 3 },
      );
      const rows = readXlsx(x);
      assert.deepEqual(rows, [
        { rowNumber: 3, cells: ['Danh sách'] },
        { rowNumber: 4, cells: [] },
        { rowNumber: 5, cells: ['Họ và tên', 'Ngày sinh', 'STT', 'Ghi <chú> & "khác"'] },
        { rowNumber: 6, cells: ['Nguyễn Văn An', '2017-09-05', '1', '', 'Tiếng Việt'] },
      ]);
    }
  });

  it('converts Excel serial days, including around the 1900 leap-year bug', () => {
    assert.equal(excelSerialToIso(1), '1900-01-01');
    assert.equal(excelSerialToIso(59), '1900-02-28');
    assert.equal(excelSerialToIso(61), '1900-03-01');
    assert.equal(excelSerialToIso(42983), '2017-09-05');
    assert.equal(excelSerialToIso(45000.75), '2023-03-15');
  });

  it('reads stored (uncompressed) entries and rich-text shared strings', () => {
    const sst = '<sst><si><r><t>Họ và </t></r><r><rPr><b/></rPr><t>tên</t></r><rPh><t>ignored</t></rPh></si><si><t>Lớp</t></si><si/><si><t>An &amp; Bình</t></si></sst>';
    const sheet = '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="str"><v>4A</v></c><c r="C2" t="b"><v>1</v></c></row></sheetData></worksheet>';
    const zip = writeZip(
      [
        { name: 'xl/sharedStrings.xml', data: Buffer.from(sst) },
        { name: 'xl/worksheets/sheet1.xml', data: Buffer.from(sheet) },
      ],
      0,
    );
    assert.deepEqual(readXlsx(zip), [
      { rowNumber: 1, cells: ['Họ và tên', 'Lớp'] },
      { rowNumber: 2, cells: ['An & Bình', '4A', 'TRUE'] },
    ]);
  });

  it('reports a damaged or foreign archive instead of crashing', () => {
    const good = writeXlsx([['Họ và tên', 'Lớp']]);
    assert.throws(() => readXlsx(good.subarray(0, good.length - 30)), XlsxError);
    const name = 'xl/worksheets/sheet1.xml';
    const corrupt = writeZip([{ name, data: Buffer.from('<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c></row></sheetData></worksheet>') }]);
    corrupt.fill(0xff, 30 + name.length, 30 + name.length + 12); // the deflated data itself
    assert.throws(() => readXlsx(corrupt), XlsxError);
    assert.throws(() => readXlsx(writeZip([{ name: 'content.xml', data: Buffer.from('<x/>') }])), /\.ods/);
    // An entry that inflates beyond the size its directory declares is refused, not expanded.
    const bomb = writeZip([{ name, data: Buffer.alloc(1_000_000, 0x20) }]);
    const cd = bomb.length - 22 - (46 + name.length);
    bomb.writeUInt32LE(1000, cd + 24);
    assert.throws(() => readXlsx(bomb), XlsxError);
    assert.throws(() => parseRoster(good.subarray(0, 200)), (e: unknown) => e instanceof RosterFileError && e.code === 'BAD_XLSX');
  });

  it('never fails on damaged input with anything but a reasoned RosterFileError', function () {
    this.timeout(60000);
    const good = writeXlsx([['Họ và tên', 'Lớp', 'Ngày sinh'], ['Nguyễn Văn An', '4A', { date: '2017-09-05' }]]);
    const csv = fixture('lop-4a-bom-semicolon.csv');
    const ok = (bytes: Buffer) => {
      try {
        parseRoster(bytes);
      } catch (e) {
        if (!(e instanceof RosterFileError)) throw e;
        assert.ok(e.message_vi && e.message_en);
      }
    };
    fc.assert(
      fc.property(fc.constantFrom(good, csv), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }), fc.nat(), (base, edits, cut) => {
        const b = Buffer.from(base);
        for (const [at, v] of edits) b[at % b.length] = v;
        ok(b);
        ok(b.subarray(0, cut % (b.length + 1)));
      }),
      { numRuns: 400 },
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => ok(Buffer.from(bytes))), { numRuns: 300 });
  });
});
