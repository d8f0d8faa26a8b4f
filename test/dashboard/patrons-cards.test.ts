import assert from 'node:assert/strict';
import { cardSheetHtml, CARDS_PER_PAGE } from '#server/patrons/cards.ts';
import { makeLibraryBarcode } from '#core/ids.ts';

describe('dashboard/patrons card sheet', () => {
  const people = Array.from({ length: 23 }, (_, i) => ({
    fullName: i === 0 ? 'Nguyễn <b>Văn</b> & "An"' : `Học Sinh ${String.fromCharCode(65 + i)}`,
    className: '4A',
    kind: 'pupil' as const,
    card: makeLibraryBarcode('patron', '0001', i + 1),
  }));
  const html = cardSheetHtml(people, { schoolName: 'Trường TH&THCS Thử', schoolYear: '2026-2027' });

  it('lays out 10 cards per A4 page, in the order given', () => {
    assert.equal(CARDS_PER_PAGE, 10);
    const pages = html.split('<section class="page">').slice(1);
    assert.deepEqual(pages.map((p) => (p.match(/<article class="card"/g) ?? []).length), [10, 10, 3]);
    assert.match(html, /@page \{ size: A4 portrait/);
    const order = [...html.matchAll(/data-card="(\d+)"/g)].map((m) => m[1]);
    assert.deepEqual(order, people.map((p) => p.card));
  });

  it('escapes names and the school, and draws a QR and a Code 128 per card', () => {
    assert.ok(!html.includes('<b>Văn</b>'));
    assert.match(html, /Nguyễn &lt;b&gt;Văn&lt;\/b&gt; &amp; &quot;An&quot;/);
    assert.match(html, /Trường TH&amp;THCS Thử/);
    const first = html.slice(html.indexOf('<article'), html.indexOf('</article>'));
    assert.equal((first.match(/<svg /g) ?? []).length, 2);
    assert.equal((first.match(/<title>20001000000012<\/title>/g) ?? []).length, 2, 'the QR and the barcode both carry only the card number');
    assert.match(first, /Lớp 4A/);
  });

  it('says teacher or staff instead of a class', () => {
    const t = cardSheetHtml([{ fullName: 'Cô Giang', className: null, kind: 'teacher', card: '20001000090013' }], { schoolName: 'X', schoolYear: '2026-2027' });
    assert.match(t, /Giáo viên/);
    assert.ok(!t.includes('Lớp '));
  });
});
