/**
 * The tagging desk page (/tagging/ on a station): shows the tags on the pad, takes a barcode (typed,
 * from a keyboard-mode scanner, or read by the station's own scanner), writes it onto the tag(s)
 * with the chosen number of parts, and shows the result and the progress. Polls
 * /api/tagging/status twice a second; the station answers only the desk PC's own browser.
 */
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { PadTagView, TaggingFailure, TaggingProgress, TaggingResult, TaggingStatus, TaggingWriteRequest } from '../../station-daemon/src/tagging/api.ts';

const POLL_MS = 500;
/** Parts offered: a book alone, a book with its CD, a book with two discs. */
const PART_CHOICES = [
  { n: 1, vi: '1 phần (sách)', en: '1 part (book)' },
  { n: 2, vi: '2 phần (sách + đĩa)', en: '2 parts (book + CD)' },
  { n: 3, vi: '3 phần', en: '3 parts' },
] as const;

function Bi({ vi, en }: { vi: string; en: string }) {
  return (
    <>
      {vi}
      <span class="en" lang="en">
        {en}
      </span>
    </>
  );
}

async function fetchStatus(): Promise<TaggingStatus> {
  const res = await fetch('/api/tagging/status', { cache: 'no-store' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as TaggingStatus;
}

async function postWrite(req: TaggingWriteRequest): Promise<TaggingResult> {
  const res = await fetch('/api/tagging/write', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req) });
  const body = (await res.json().catch(() => null)) as TaggingResult | { error: TaggingFailure['error'] } | null;
  if (body && 'ok' in body) return body;
  const error = body?.error ?? { code: 'BAD_REQUEST' as const, message_vi: `Máy trạm trả lời lỗi ${res.status}.`, message_en: `The station answered HTTP ${res.status}.` };
  return { ok: false, error };
}

function hex(n: number | undefined): string {
  return n === undefined ? '' : `0x${n.toString(16).padStart(2, '0').toUpperCase()}`;
}

function TagLine({ tag }: { tag: PadTagView }) {
  let what: { vi: string; en: string };
  switch (tag.state) {
    case 'blank':
      what = { vi: 'Thẻ trắng, sẵn sàng ghi', en: 'Blank, ready to write' };
      break;
    case 'item': {
      const set = tag.parts && tag.parts > 1 ? ` · ${tag.part}/${tag.parts}` : '';
      what = { vi: `Mã ${tag.itemId}${set} · ${tag.owner ?? 'không rõ chủ'}${tag.title ? ` · ${tag.title}` : ''}`, en: `Item ${tag.itemId}${set} · owner ${tag.owner ?? 'none'} · AFI ${hex(tag.afi)}` };
      break;
    }
    case 'foreign':
      what = { vi: 'Thẻ có dữ liệu khác (không đọc được theo chuẩn ISO 28560-3)', en: `Other data (${tag.reason ?? 'unknown'})` };
      break;
    default:
      what = { vi: 'Không đọc được thẻ: đặt lại sách', en: `Unreadable (${tag.reason ?? 'unknown'}): lay it down again` };
  }
  return (
    <li data-testid="pad-tag" data-state={tag.state} data-uid={tag.uid} data-item-id={tag.itemId ?? ''}>
      <span class="muted">{tag.uid}</span> — <Bi {...what} />
    </li>
  );
}

function Progress({ p }: { p: TaggingProgress }) {
  const pct = p.items > 0 ? Math.min(100, (100 * p.total) / p.items) : 0;
  return (
    <section data-testid="progress">
      <div class="counters">
        <div class="counter">
          <b data-testid="progress-today">{p.today}</b>
          <Bi vi="Gắn hôm nay" en="Tagged today" />
        </div>
        <div class="counter">
          <b data-testid="progress-total">{p.total}</b>
          <Bi vi="Đã gắn tất cả" en="Tagged in total" />
        </div>
        <div class="counter">
          <b data-testid="progress-items">{p.items}</b>
          <Bi vi="Sách trong thư viện" en="Items in the library" />
        </div>
      </div>
      <div class="bar" title={`${pct.toFixed(1)} %`}>
        <span style={{ width: `${pct}%` }} />
      </div>
    </section>
  );
}

function App() {
  const [status, setStatus] = useState<TaggingStatus | null>(null);
  const [offline, setOffline] = useState(false);
  const [barcode, setBarcode] = useState('');
  const [parts, setParts] = useState(1);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<TaggingResult | null>(null);
  /** The request a TAG_HAS_OTHER_ITEM refusal was for: the overwrite button repeats it. */
  const [refused, setRefused] = useState<TaggingWriteRequest | null>(null);
  const seenScan = useRef<number | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const writeButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const s = await fetchStatus();
        if (stopped) return;
        setStatus(s);
        setOffline(false);
        // The station's own scanner read a code: it fills the field (a code scanned before the page opened does not).
        if (s.lastScan && seenScan.current !== null && s.lastScan.seq > seenScan.current) {
          setBarcode(s.lastScan.code);
          setResult(null);
          setRefused(null);
          writeButton.current?.focus();
        }
        seenScan.current = s.lastScan?.seq ?? 0;
      } catch {
        if (!stopped) setOffline(true);
      }
      if (!stopped) timer = setTimeout(tick, POLL_MS);
    };
    void tick();
    field.current?.focus();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  async function write(req: TaggingWriteRequest) {
    if (busy || !req.barcode.trim()) return;
    setBusy(true);
    setResult(null);
    setRefused(null);
    try {
      const r = await postWrite(req);
      setResult(r);
      if (r.ok) {
        setBarcode('');
        setParts(1);
        setStatus((s) => (s ? { ...s, progress: r.progress } : s));
      } else if (r.error.overwritable) {
        setRefused({ ...req, overwrite: true });
      }
    } catch (err) {
      setResult({ ok: false, error: { code: 'BAD_REQUEST', message_vi: 'Không liên lạc được với máy trạm.', message_en: err instanceof Error ? err.message : String(err) } });
    } finally {
      setBusy(false);
      field.current?.focus();
    }
  }

  const onSubmit = (e: Event) => {
    e.preventDefault();
    void write({ barcode: barcode.trim(), parts });
  };

  const pad = status?.pad;
  return (
    <main>
      <h1 data-testid="title">
        <Bi vi="Gắn thẻ RFID cho sách" en="Tag books" />
      </h1>
      {offline && (
        <p class="warn" data-testid="offline">
          <Bi vi="Mất kết nối với máy trạm…" en="Lost contact with the station…" />
        </p>
      )}
      {status && <Progress p={status.progress} />}

      <section>
        <h2>
          <Bi vi="Thẻ trên đầu đọc" en="Tags on the pad" />
        </h2>
        {pad && !pad.fitted && (
          <p class="warn" data-testid="pad-status" data-state="none">
            <Bi vi="Máy này không có đầu đọc RFID." en="This station has no RFID pad." />
          </p>
        )}
        {pad?.fitted && !pad.connected && (
          <p class="warn" data-testid="pad-status" data-state="disconnected">
            <Bi vi="Chưa kết nối được đầu đọc RFID." en={`The RFID pad is not connected${pad.detail ? `: ${pad.detail}` : ''}.`} />
          </p>
        )}
        <ul class="tags" data-testid="pad-tags" data-count={pad?.tags.length ?? 0}>
          {pad?.tags.map((t) => <TagLine key={t.uid} tag={t} />)}
        </ul>
        {pad?.fitted && pad.tags.length === 0 && (
          <p class="muted" data-testid="pad-empty">
            <Bi vi="Chưa có thẻ nào. Đặt sách có thẻ trắng lên đầu đọc." en="No tag yet. Lay a book with a blank tag on the pad." />
          </p>
        )}
      </section>

      <section>
        <form onSubmit={onSubmit} data-testid="write-form">
          <label>
            <Bi vi="Mã vạch của sách" en="The book's barcode" />
            <input
              ref={field}
              type="text"
              inputMode="numeric"
              autoComplete="off"
              spellcheck={false}
              maxLength={64}
              data-testid="barcode"
              value={barcode}
              onInput={(e) => setBarcode((e.target as HTMLInputElement).value)}
            />
          </label>
          {status?.lastScan && (
            <p class="muted" data-testid="last-scan" data-code={status.lastScan.code}>
              <Bi vi={`Máy quét vừa đọc: ${status.lastScan.code}`} en={`Last scan: ${status.lastScan.code}`} />
            </p>
          )}
          <fieldset data-testid="parts">
            {PART_CHOICES.map((c) => (
              <label key={c.n}>
                <input type="radio" name="parts" value={c.n} checked={parts === c.n} onChange={() => setParts(c.n)} data-testid={`parts-${c.n}`} />{' '}
                <Bi vi={c.vi} en={c.en} />
              </label>
            ))}
          </fieldset>
          <div>
            <button ref={writeButton} type="submit" disabled={busy || !barcode.trim()} data-testid="write">
              <Bi vi={busy ? 'Đang ghi…' : 'Ghi thẻ'} en={busy ? 'Writing…' : 'Write tag'} />
            </button>
          </div>
        </form>
      </section>

      {result && (
        <section class="result" data-testid="result" data-ok={String(result.ok)} data-code={result.ok ? 'OK' : result.error.code} aria-live="polite">
          {result.ok ? (
            <Bi
              vi={`Đã gắn thẻ: ${result.barcode} — ${result.title}${result.parts > 1 ? ` (${result.parts} phần)` : ''}${result.again ? ' · đã từng gắn trước đây' : ''}`}
              en={`Tagged ${result.barcode} (${result.tags.length} tag${result.tags.length > 1 ? 's' : ''}, owner ${result.owner}), read back and verified${result.again ? ' · tagged before' : ''}`}
            />
          ) : (
            <Bi vi={result.error.message_vi} en={result.error.message_en} />
          )}
          {refused && (
            <p>
              <button type="button" class="danger" data-testid="overwrite" disabled={busy} onClick={() => void write(refused)}>
                <Bi vi="Ghi đè thẻ này" en="Overwrite this tag" />
              </button>
            </p>
          )}
        </section>
      )}
    </main>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
