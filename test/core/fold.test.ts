import assert from 'node:assert/strict';
import { foldVietnamese, matchesSearch, searchTokens } from '#core/fold.ts';

describe('core/fold', () => {
  it('strips tones and vowel marks, lower-cases and folds đ/Đ to d', () => {
    assert.equal(foldVietnamese('Đất rừng phương Nam'), 'dat rung phuong nam');
    assert.equal(foldVietnamese('Ơ ư Ư ơ Ă â Ê ô'), 'o u u o a a e o');
    assert.equal(foldVietnamese('Tiếng Việt lớp 1, tập 2'), 'tieng viet lop 1, tap 2');
    assert.equal(foldVietnamese('ĐẠI ĐOÀN KẾT'), 'dai doan ket');
    assert.equal(foldVietnamese('Ỷ Ỹ ỵ Ự ữ ằ ẫ ộ'), 'y y y u u a a o');
  });

  it('folds precomposed (NFC) and decomposed (NFD) text alike', () => {
    const nfc = 'Dế Mèn phiêu lưu ký'.normalize('NFC');
    const nfd = nfc.normalize('NFD');
    assert.notEqual(nfc, nfd, 'the fixture really is two different encodings');
    assert.equal(foldVietnamese(nfd), foldVietnamese(nfc));
    assert.equal(foldVietnamese(nfd), 'de men phieu luu ky');
    // đ has no decomposition, so an NFD text still carries it: it must fold too.
    assert.equal(foldVietnamese('Đ'.normalize('NFD') + 'ường'.normalize('NFD')), 'duong');
  });

  it('collapses whitespace (tabs, newlines, no-break space) and trims', () => {
    assert.equal(foldVietnamese('  Tôi\tthấy   hoa vàng\ntrên\u00a0cỏ xanh  '), 'toi thay hoa vang tren co xanh');
    assert.equal(foldVietnamese(''), '');
    assert.equal(foldVietnamese('   '), '');
  });

  it('folds the Ð that appears when CP1258 text was decoded as CP1252', () => {
    assert.equal(foldVietnamese('Ðất'), 'dat');
  });

  it('splits folded words on punctuation', () => {
    assert.deepEqual(searchTokens('Dế Mèn phiêu lưu ký (Tô Hoài) – tập 1.'), ['de', 'men', 'phieu', 'luu', 'ky', 'to', 'hoai', 'tap', '1']);
    assert.deepEqual(searchTokens(' , '), []);
  });

  it('finds "Đất rừng phương Nam" by "dat rung", by word prefixes and with marks in the query', () => {
    const title = 'Đất rừng phương Nam';
    assert.equal(matchesSearch(title, 'dat rung'), true);
    assert.equal(matchesSearch(title, 'DAT RUNG'), true);
    assert.equal(matchesSearch(title, 'phuong'), true);
    assert.equal(matchesSearch(title, 'rừng nam'), true);
    assert.equal(matchesSearch(title, 'phu na'), true, 'prefixes match');
    assert.equal(matchesSearch(title, 'dat bien'), false, 'every query word must match');
    assert.equal(matchesSearch(title, ''), false);
    assert.equal(foldVietnamese(title).includes(foldVietnamese('dat rung')), true);
  });
});
