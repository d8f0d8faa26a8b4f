/**
 * The dashboard's strings, Vietnamese first with the English line under it (see kiosk/src/i18n.ts
 * for why pairs), and the formatting of times and dates the librarian reads.
 */
import type { LibraryEvent, Reason, StatusPayload } from '../../core/protocol/messages.ts';

export interface Bilingual {
  vi: string;
  en: string;
}

export const t = {
  title: { vi: 'Thư viện', en: 'Library' },
  username: { vi: 'Tên đăng nhập', en: 'Username' },
  password: { vi: 'Mật khẩu', en: 'Password' },
  login: { vi: 'Đăng nhập', en: 'Log in' },
  logout: { vi: 'Đăng xuất', en: 'Log out' },
  demoLogins: { vi: 'Tài khoản dùng thử (chế độ mô phỏng)', en: 'Demo logins (sim mode)' },
  loading: { vi: 'Đang tải…', en: 'Loading…' },
  loginUnavailable: {
    code: 'server_unreachable',
    message_vi: 'Không kết nối được máy chủ. Hãy thử lại.',
    message_en: 'Cannot reach the server. Please try again.',
  } satisfies Reason,
  today: (date: string) => ({ vi: `Hôm nay, ${date}`, en: `Today, ${date}` }),
  loans: { vi: 'Lượt mượn', en: 'Loans' },
  returns: { vi: 'Lượt trả', en: 'Returns' },
  renewals: { vi: 'Gia hạn', en: 'Renewals' },
  visits: { vi: 'Lượt đến thư viện', en: 'Visits' },
  stations: { vi: 'Thiết bị', en: 'Stations' },
  device: { vi: 'Mã thiết bị', en: 'Device' },
  role: { vi: 'Loại', en: 'Role' },
  state: { vi: 'Trạng thái', en: 'State' },
  devices: { vi: 'Bộ phận', en: 'Devices' },
  lastSeen: { vi: 'Lần cuối', en: 'Last seen' },
  online: { vi: 'Trực tuyến', en: 'Online' },
  offline: { vi: 'Mất kết nối', en: 'Offline' },
  pending: (n: number) => ({ vi: `${n} giao dịch chờ gửi`, en: `${n} pending` }),
  noStations: { vi: 'Chưa có thiết bị nào báo trạng thái', en: 'No station has reported yet' },
  events: { vi: 'Hoạt động mới nhất', en: 'Latest activity' },
  noEvents: { vi: 'Chưa có hoạt động', en: 'Nothing yet' },
  decidedOffline: { vi: 'ngoại tuyến', en: 'offline' },
  unknownCode: { vi: 'mã lạ', en: 'unknown code' },
  counter: (i: number, o: number) => ({ vi: `vào ${i} · ra ${o}`, en: `in ${i} · out ${o}` }),
  reconnecting: { vi: 'Đang kết nối lại… số liệu có thể chưa mới', en: 'Reconnecting… figures may be out of date' },
  connecting: { vi: 'Đang kết nối…', en: 'Connecting…' },
} as const;

export const eventTypeText: Record<LibraryEvent['type'], Bilingual> = {
  checkout: { vi: 'mượn', en: 'loan' },
  checkin: { vi: 'trả', en: 'return' },
  renew: { vi: 'gia hạn', en: 'renewal' },
  visit: { vi: 'lượt vào', en: 'visit' },
  counter: { vi: 'đếm cửa', en: 'door count' },
  scan: { vi: 'quét mã', en: 'scan' },
  alert: { vi: 'cảnh báo', en: 'alert' },
};

export const roleText: Record<StatusPayload['role'], Bilingual> = {
  kiosk: { vi: 'Quầy tự mượn', en: 'Kiosk' },
  dropbox: { vi: 'Hộp trả sách', en: 'Drop box' },
  desk: { vi: 'Quầy mượn trả', en: 'Desk' },
  counter: { vi: 'Bộ đếm cửa', en: 'Door counter' },
  server: { vi: 'Máy chủ', en: 'Server' },
};

export function reasonText(r: Reason): Bilingual {
  return { vi: r.message_vi, en: r.message_en };
}

/** "2025-10-07" → "07/10/2025", on the string so no time zone shifts the day. */
export function formatDate(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : isoDate;
}

/**
 * An ISO timestamp as the librarian reads it: "14:05" today, "12/10 14:05" another day.
 * `timeZone` defaults to the browser's (the school's).
 */
export function formatTime(iso: string, now: Date = new Date(), timeZone?: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const parts = (d: Date) => {
    const p = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(d);
    const get = (type: string) => p.find((x) => x.type === type)?.value ?? '';
    return { day: `${get('year')}-${get('month')}-${get('day')}`, dm: `${get('day')}/${get('month')}`, hm: `${get('hour')}:${get('minute')}` };
  };
  const a = parts(at);
  return a.day === parts(now).day ? a.hm : `${a.dm} ${a.hm}`;
}
