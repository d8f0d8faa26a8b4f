import { useSignal, type Signal } from '@preact/signals';
import { useState } from 'preact/hooks';
import type { SimDevice, SimResult } from '../adapter/sim-api.ts';
import { t, type Bilingual } from '../i18n.ts';
import { Bi } from './Bi.tsx';

/** Codes from the demo seed; they only fill the field, so a changed seed breaks nothing. */
const QUICK: Record<SimDevice, { code: string; label: string }[]> = {
  card: [
    { code: '20001000000012', label: 'Học sinh 4A' },
    { code: '20001000090013', label: 'Giáo viên' },
  ],
  scanner: [
    { code: '30001000000101', label: 'Sách …0101' },
    { code: '30001000000200', label: 'Sách …0200' },
  ],
};

interface Props {
  post(device: SimDevice, code: string): Promise<SimResult>;
}

// Open at first where it covers little; on a small kiosk screen it starts folded.
const startOpen = () => typeof matchMedia === 'function' && matchMedia('(min-width: 1200px) and (min-height: 700px)').matches;

/** Lets anyone play a pupil without hardware (sim mode only). */
export function SimPanel({ post }: Props) {
  const card = useSignal('');
  const book = useSignal('');
  const status = useSignal('');
  // Decided once: after that the details element is the user's to fold.
  const [open] = useState(startOpen);

  async function send(device: SimDevice, code: string) {
    if (!code.trim()) return;
    try {
      const r = await post(device, code.trim());
      status.value = `✓ ${r.device} ${r.code} (${r.bytes} B)`;
    } catch (err) {
      status.value = `✗ ${device}: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  return (
    <details class="sim" open={open} data-testid="sim-panel">
      <summary>
        {/* Folded, the panel is only this badge, so it never covers a kiosk button on a small screen. */}
        <span class="sim-badge" aria-hidden="true">
          SIM
        </span>
        <Bi text={t.simTitle} />
      </summary>
      <SimField device="card" value={card} label={t.simCard} send={send} />
      <SimField device="scanner" value={book} label={t.simScan} send={send} />
      <output class="sim-status">{status}</output>
    </details>
  );
}

interface FieldProps {
  device: SimDevice;
  value: Signal<string>;
  label: Bilingual;
  send(device: SimDevice, code: string): Promise<void>;
}

function SimField({ device, value, label, send }: FieldProps) {
  const id = device === 'card' ? 'sim-card' : 'sim-scan';
  return (
    <form
      class="sim-field"
      onSubmit={(e) => {
        e.preventDefault();
        void send(device, value.value);
      }}
    >
      <div class="sim-row">
        <input
          data-testid={`${id}-input`}
          aria-label={`${label.vi} / ${label.en}`}
          inputMode="numeric"
          autocomplete="off"
          value={value}
          onInput={(e) => (value.value = e.currentTarget.value)}
        />
        <button type="submit" class="btn" data-testid={`${id}-submit`}>
          {label.vi} / {label.en}
        </button>
      </div>
      <div class="sim-row">
        {QUICK[device].map((q) => (
          <button key={q.code} type="button" class="btn quick" title={q.code} onClick={() => (value.value = q.code)}>
            {q.label}
          </button>
        ))}
      </div>
    </form>
  );
}
