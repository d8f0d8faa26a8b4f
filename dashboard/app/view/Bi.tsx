import type { Bilingual } from '../i18n.ts';

/** A Vietnamese label with its smaller English line under it. */
export function Bi({ text }: { text: Bilingual }) {
  return (
    <span class="bi">
      <span class="vi">{text.vi}</span>
      <span class="en" lang="en">
        {text.en}
      </span>
    </span>
  );
}
