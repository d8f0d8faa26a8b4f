import assert from 'node:assert/strict';
import { t } from '../../kiosk/src/i18n.ts';
import { deleteDigit, isCompletePin, PIN_MAX, PIN_MIN, pressDigit } from '../../kiosk/src/pin.ts';

describe('kiosk PIN keypad', () => {
  it('takes digits up to six and ignores anything else', () => {
    let d = '';
    for (const k of ['1', '2', '3', '4', '5', '6', '7']) d = pressDigit(d, k);
    assert.equal(d, '123456');
    assert.equal(pressDigit('12', 'x'), '12');
    assert.equal(pressDigit('12', '34'), '12');
    assert.equal(PIN_MAX, 6);
  });

  it('deletes the last digit, and nothing from nothing', () => {
    assert.equal(deleteDigit('1234'), '123');
    assert.equal(deleteDigit(''), '');
  });

  it('sends only 4 to 6 digits (what the daemon accepts)', () => {
    assert.equal(PIN_MIN, 4);
    for (const ok of ['0000', '12345', '123456']) assert.equal(isCompletePin(ok), true, ok);
    for (const bad of ['', '123', '1234567', '12a4', '١٢٣٤']) assert.equal(isCompletePin(bad), false, bad);
  });

  it('speaks Vietnamese first, English second, to pupils and teachers alike', () => {
    assert.deepEqual(t.pinTitle, { vi: 'Nhập mã PIN', en: 'Enter your PIN' });
    assert.deepEqual(t.pinDelete, { vi: 'Xoá', en: 'Delete' });
    assert.deepEqual(t.pinOk, { vi: 'Xong', en: 'OK' });
    assert.deepEqual(t.pinCancel, { vi: 'Huỷ', en: 'Cancel' });
    for (const s of [t.pinTitle, t.pinHint, t.pinTyped(3)]) assert.doesNotMatch(s.vi, /\bEm\b/i);
  });
});
