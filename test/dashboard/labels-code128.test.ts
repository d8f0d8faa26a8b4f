/** The copy label sheet: one Code 128 label per copy (the encoder itself: test/core/barcode/code128.test.ts). */
import assert from 'node:assert/strict';
import { labelSheetHtml } from '#server/catalogue/labels.ts';
import { decodeWidths, widthsOfSvg } from '#test/code128.ts';

describe('barcode label sheet', () => {
  const copies = [
    { barcode: '30001000000606', accession: 'TN.000012', callNumber: '895.9223 ĐOÀ', title: 'Đất rừng phương Nam' },
    { barcode: 'STK.000123', accession: 'STK.000123', callNumber: null, title: 'Truyện <Kiều> & "thơ"' },
  ];
  const html = labelSheetHtml({ schoolName: 'Trường THCS Demo', copies });

  it('has one label per copy, each with a scannable barcode of its own code', () => {
    const labels = [...html.matchAll(/<div class="label" data-barcode="([^"]+)">([\s\S]*?)<\/div><\/div>/g)];
    assert.equal(labels.length, 2);
    labels.forEach((m, k) => {
      const svg = /<svg[\s\S]*?<\/svg>/.exec(m[2]!)![0];
      assert.equal(decodeWidths(widthsOfSvg(svg)).text, copies[k]!.barcode);
    });
  });

  it('shows the school, the title, the call number and the accession when it differs from the barcode', () => {
    assert.match(html, /<html lang="vi">/);
    assert.match(html, /Trường THCS Demo/);
    assert.match(html, /Đất rừng phương Nam/);
    assert.match(html, /895\.9223 ĐOÀ/);
    assert.match(html, /ĐKCB TN\.000012/);
    assert.doesNotMatch(html, /ĐKCB STK\.000123/);
    // Text is escaped, never markup.
    assert.match(html, /Truyện &#60;Kiều&#62; &#38; &#34;thơ&#34;/);
    assert.doesNotMatch(html, /<Kiều>/);
  });

  it('leaves the first labels of a used sheet empty when asked', () => {
    const skipped = labelSheetHtml({ schoolName: 'X', copies: copies.slice(0, 1), skip: 5 });
    assert.equal([...skipped.matchAll(/class="label empty"/g)].length, 5);
  });
});
