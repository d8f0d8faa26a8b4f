import type { LibraryDay } from '../../../core/protocol/kiosk-events.ts';
import { t } from '../i18n.ts';
import { Bi } from './Bi.tsx';
import { CardPicture, ReturnIcon } from './icons.tsx';

interface Props {
  /** Today at the library, from the school calendar; null until the daemon has said. */
  today: LibraryDay | null;
  onStartReturn(): void;
}

export function IdleScreen({ today, onStartReturn }: Props) {
  return (
    <div class="idle">
      <CardPicture />
      <h1>
        <Bi text={t.idle} />
      </h1>
      <StartReturnButton onStartReturn={onStartReturn} />
      {today && <TodayAtLibrary day={today} />}
    </div>
  );
}

/** Whose reading day it is and when the library opens: what a class teacher looks for in passing. */
function TodayAtLibrary({ day }: { day: LibraryDay }) {
  const closed = day.holiday ? t.closedFor(day.holiday) : t.closedToday;
  return (
    <section class="today" data-testid="today" data-date={day.date} data-open={String(day.openToday)}>
      <p class="today-reading" data-testid="today-reading">
        <Bi text={!day.openToday ? closed : day.gradesToday.length > 0 ? t.readingToday(day.gradesToday) : t.noReadingToday} />
      </p>
      <p class="today-hours" data-testid="opening-hours">
        <Bi text={t.openingHours(day.openingHours.open, day.openingHours.close)} />
        <span class="today-days">
          <Bi text={t.openDays(day.openWeekdays)} />
        </span>
      </p>
      {/* The week at a glance, today marked; left out where the screen is too small for it. */}
      <ol class="week" aria-label={`${t.scheduleTitle.vi} / ${t.scheduleTitle.en}`}>
        {day.week.map((d) => (
          <li key={d.weekday} class={d.weekday === day.weekday ? 'week-day is-today' : 'week-day'} aria-current={d.weekday === day.weekday ? 'date' : undefined}>
            <span class="week-name">
              <Bi text={t.weekdayShort(d.weekday)} />
            </span>
            <span class="week-grades">
              <Bi text={t.gradesShort(d.grades)} />
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Returning needs no card: anyone may bring books back. */
export function StartReturnButton({ onStartReturn }: { onStartReturn(): void }) {
  return (
    <button type="button" class="btn start-return" data-testid="start-return" onClick={onStartReturn}>
      <ReturnIcon />
      <Bi text={t.startReturn} />
    </button>
  );
}
