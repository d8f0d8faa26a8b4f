import { t } from '../i18n.ts';
import { Bi } from './Bi.tsx';
import { CardPicture } from './icons.tsx';

export function IdleScreen() {
  return (
    <div class="idle">
      <CardPicture />
      <h1>
        <Bi text={t.idle} />
      </h1>
    </div>
  );
}
