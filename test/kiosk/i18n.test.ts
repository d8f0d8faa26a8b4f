import assert from 'node:assert/strict';
import { formatDate, t } from '../../kiosk/src/i18n.ts';

describe('kiosk i18n', () => {
  it('formats due dates the Vietnamese way', () => {
    assert.equal(formatDate('2025-10-07'), '07/10/2025');
    assert.equal(t.due(formatDate('2026-01-31')).vi, 'Hạn trả: 31/01/2026');
  });

  it('leaves a malformed date as it came rather than inventing one', () => {
    assert.equal(formatDate('soon'), 'soon');
  });

  it('speaks to pupils as "em" and to teachers without it', () => {
    assert.equal(t.remainingPupil(2).vi, 'Em còn được mượn 2 cuốn');
    assert.doesNotMatch(t.remainingStaff(5).vi, /\bEm\b/);
  });

  it('names the class on the class-set switch and on the banner', () => {
    assert.deepEqual(t.forClass('4A'), { vi: 'Mượn cho lớp 4A', en: 'Borrow for class 4A' });
    assert.equal(t.forClassOn('4A').vi, 'Đang mượn cho lớp 4A');
  });

  it('asks a teacher whether they are still there without calling them "em"', () => {
    assert.equal(t.idleAskPupil.vi, 'Em còn ở đây không?');
    assert.doesNotMatch(t.idleAskStaff.vi, /\bEm\b/);
    assert.equal(t.idleTouch.vi, 'Chạm vào màn hình để tiếp tục.');
  });
});
