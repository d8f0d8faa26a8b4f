/** The idle screen's "today at the library", from the school calendar (pure). */
import assert from 'node:assert/strict';
import { libraryDay } from '../../core/calendar.ts';
import { DEMO_CALENDAR } from '../../core/demo-calendar.ts';
import { t, weekdayRange } from '../../kiosk/src/i18n.ts';

/** Instants in Vietnam (UTC+7) written as UTC. */
const at = (iso: string) => new Date(iso);

describe('kiosk: today at the library', () => {
  it('says whose reading day it is and whether the library is open now', () => {
    // Wednesday 2 December 2026, 09:00 in Vietnam.
    const d = libraryDay(DEMO_CALENDAR, at('2026-12-02T02:00:00Z'));
    assert.equal(d.date, '2026-12-02');
    assert.equal(d.weekday, 3);
    assert.deepEqual(d.gradesToday, [4, 5]);
    assert.equal(d.openToday, true);
    assert.equal(d.openNow, true);
    assert.deepEqual(d.openingHours, { open: '07:00', close: '16:30' });
    assert.deepEqual(d.week.map((w) => w.weekday), [1, 2, 3, 4, 5]);
    assert.deepEqual(d.week[0]!.grades, [1, 2]);
  });

  it('uses the school time zone: 23:30 UTC on Tuesday is already Wednesday morning in Hanoi', () => {
    const d = libraryDay(DEMO_CALENDAR, at('2026-12-01T23:30:00Z'));
    assert.equal(d.date, '2026-12-02');
    assert.equal(d.openNow, false, '06:30 local: not open yet');
    assert.equal(d.openToday, true);
  });

  it('a holiday closes the library and names itself; nobody reads that day', () => {
    const d = libraryDay(DEMO_CALENDAR, at('2027-02-03T03:00:00Z'));
    assert.equal(d.openToday, false);
    assert.equal(d.holiday?.name_vi, 'Nghỉ Tết Nguyên đán');
    assert.deepEqual(d.gradesToday, []);
    assert.match(t.closedFor(d.holiday!).vi, /Hôm nay thư viện nghỉ: Nghỉ Tết Nguyên đán/);
  });

  it('a weekend is closed without a holiday name', () => {
    const d = libraryDay(DEMO_CALENDAR, at('2026-12-05T03:00:00Z'));
    assert.equal(d.weekday, 6);
    assert.equal(d.openToday, false);
    assert.equal(d.holiday, null);
  });

  it('says it in Vietnamese and English', () => {
    assert.equal(t.readingToday([4, 5]).vi, 'Hôm nay là ngày đọc sách của khối 4 và 5');
    assert.equal(t.readingToday([3]).en, 'Today is reading day for grade 3');
    assert.equal(t.readingToday([1, 2, 3]).en, 'Today is reading day for grades 1, 2 and 3');
    assert.equal(t.openingHours('07:00', '16:30').vi, 'Giờ mở cửa: 07:00 – 16:30');
    assert.equal(weekdayRange([1, 2, 3, 4, 5], 'vi'), 'Thứ Hai – Thứ Sáu');
    assert.equal(weekdayRange([5, 1, 3], 'en'), 'Monday, Wednesday, Friday');
    assert.equal(weekdayRange([1, 2, 3, 4, 5, 6], 'en'), 'Monday – Saturday');
  });
});
