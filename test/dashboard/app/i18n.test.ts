import assert from 'node:assert/strict';
import { formatDate, formatTime } from '../../../dashboard/app/i18n.ts';

describe('dashboard formatting', () => {
  const now = new Date('2025-10-07T09:30:00+07:00');

  it('shows only the time for today, in the school time zone', () => {
    assert.equal(formatTime('2025-10-07T07:05:00+07:00', now, 'Asia/Ho_Chi_Minh'), '07:05');
    assert.equal(formatTime('2025-10-07T00:05:00Z', now, 'Asia/Ho_Chi_Minh'), '07:05');
  });

  it('adds day/month for another day', () => {
    assert.equal(formatTime('2025-10-06T16:59:00Z', now, 'Asia/Ho_Chi_Minh'), '06/10 23:59');
  });

  it('formats dates day first', () => {
    assert.equal(formatDate('2025-10-07'), '07/10/2025');
  });
});
