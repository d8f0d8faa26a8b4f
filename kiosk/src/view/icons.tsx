/** Inline icons: no icon font to load, and they stay sharp at any kiosk resolution. */

const common = { 'aria-hidden': true, class: 'icon' } as const;

/** The idle screen's picture: a student card being tapped on the reader. */
export function CardPicture() {
  return (
    <svg {...common} class="card-picture" viewBox="0 0 240 160">
      <path d="M200 40 q18 40 0 80 M214 28 q26 52 0 104" fill="none" stroke="#0b6e4f" stroke-width="8" stroke-linecap="round" />
      <g transform="rotate(-8 100 85)">
        <rect x="20" y="30" width="160" height="104" rx="14" fill="#fff" stroke="#14213d" stroke-width="6" />
        <rect x="20" y="30" width="160" height="26" rx="12" fill="#0b6e4f" />
        <circle cx="58" cy="92" r="18" fill="#f2c14e" stroke="#14213d" stroke-width="4" />
        <rect x="90" y="76" width="72" height="10" rx="5" fill="#14213d" />
        <rect x="90" y="98" width="52" height="10" rx="5" fill="#8d99ae" />
      </g>
    </svg>
  );
}

export function TickIcon() {
  return (
    <svg {...common} viewBox="0 0 48 48">
      <circle cx="24" cy="24" r="22" fill="#0b6e4f" />
      <path d="M13 25 l8 8 l15 -17" fill="none" stroke="#fff" stroke-width="6" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

export function StopIcon() {
  return (
    <svg {...common} viewBox="0 0 48 48">
      <circle cx="24" cy="24" r="22" fill="#b00020" />
      <path d="M15 15 L33 33 M33 15 L15 33" stroke="#fff" stroke-width="6" stroke-linecap="round" />
    </svg>
  );
}

export function WarnIcon() {
  return (
    <svg {...common} viewBox="0 0 48 48">
      <path d="M24 4 L46 43 H2 Z" fill="#b00020" stroke="#b00020" stroke-width="3" stroke-linejoin="round" />
      <path d="M24 17 V29" stroke="#fff" stroke-width="5" stroke-linecap="round" />
      <circle cx="24" cy="36" r="3" fill="#fff" />
    </svg>
  );
}

export function InfoIcon() {
  return (
    <svg {...common} viewBox="0 0 48 48">
      <circle cx="24" cy="24" r="22" fill="#0b3d91" />
      <path d="M24 21 V35" stroke="#fff" stroke-width="5" stroke-linecap="round" />
      <circle cx="24" cy="13" r="3" fill="#fff" />
    </svg>
  );
}

/** Shown while the station is still deciding about a book. */
export function WaitIcon() {
  return (
    <svg {...common} class="icon spin" viewBox="0 0 48 48">
      <circle cx="24" cy="24" r="18" fill="none" stroke="#8d99ae" stroke-width="6" />
      <path d="M24 6 a18 18 0 0 1 18 18" fill="none" stroke="#14213d" stroke-width="6" stroke-linecap="round" />
    </svg>
  );
}

/** "Trả sách": a book going back, arrow first. */
export function ReturnIcon() {
  return (
    <svg {...common} viewBox="0 0 48 48">
      <rect x="20" y="8" width="22" height="32" rx="3" fill="#fff" stroke="currentColor" stroke-width="4" />
      <path d="M26 8 V40" stroke="currentColor" stroke-width="3" />
      <path d="M4 24 H18 M11 17 L4 24 L11 31" fill="none" stroke="currentColor" stroke-width="4" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

/** The return screen's picture: a book under the scanner's beam. */
export function ScanPicture() {
  return (
    <svg {...common} class="scan-picture" viewBox="0 0 160 120">
      <rect x="30" y="40" width="100" height="70" rx="8" fill="#fff" stroke="#14213d" stroke-width="6" />
      <path d="M52 40 V110" stroke="#0b6e4f" stroke-width="8" />
      <g stroke="#14213d" stroke-width="4">
        <path d="M72 60 V92 M80 60 V92 M92 60 V92 M100 60 V92 M110 60 V92" />
      </g>
      <path d="M20 76 H140" stroke="#b00020" stroke-width="4" stroke-linecap="round" />
      <path d="M60 8 L80 30 L100 8" fill="none" stroke="#0b6e4f" stroke-width="7" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

/** A class set: three books side by side. */
export function ClassSetIcon() {
  return (
    <svg {...common} viewBox="0 0 48 48">
      <rect x="4" y="10" width="11" height="30" rx="2" fill="#f2c14e" stroke="currentColor" stroke-width="3" />
      <rect x="18" y="6" width="11" height="34" rx="2" fill="#fff" stroke="currentColor" stroke-width="3" />
      <rect x="32" y="12" width="11" height="28" rx="2" fill="#0b6e4f" stroke="currentColor" stroke-width="3" />
      <path d="M2 42 H46" stroke="currentColor" stroke-width="3" stroke-linecap="round" />
    </svg>
  );
}
