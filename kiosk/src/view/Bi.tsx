import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import type { Bilingual } from '../i18n.ts';
import type { Lang } from '../store.ts';

/** The language the pupil reads first; App provides it from the store. */
export const LangContext = createContext<Lang>('vi');

/** A line in the chosen language with the other language's smaller line under it (Vietnamese first by default). */
export function Bi({ text }: { text: Bilingual }) {
  return <BiNodes vi={text.vi} en={text.en} />;
}

/** Like Bi, for lines that hold markup (a name to point at in tests, say). */
export function BiNodes({ vi, en }: { vi: ComponentChildren; en: ComponentChildren }) {
  const lang = useContext(LangContext);
  const viLine = (
    <span class={lang === 'vi' ? 'vi first' : 'vi second'} lang="vi">
      {vi}
    </span>
  );
  const enLine = (
    <span class={lang === 'en' ? 'en first' : 'en second'} lang="en">
      {en}
    </span>
  );
  return <span class="bi">{lang === 'en' ? [enLine, viLine] : [viLine, enLine]}</span>;
}
