import { t } from '../i18n.ts';
import { Bi } from './Bi.tsx';
import { CardPicture, ReturnIcon } from './icons.tsx';

export function IdleScreen({ onStartReturn }: { onStartReturn(): void }) {
  return (
    <div class="idle">
      <CardPicture />
      <h1>
        <Bi text={t.idle} />
      </h1>
      <StartReturnButton onStartReturn={onStartReturn} />
    </div>
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
