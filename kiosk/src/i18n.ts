/**
 * Every string the kiosk shows, Vietnamese first with its English second line. Kept as {vi, en}
 * pairs rather than two catalogues so a missing translation is a type error, and so a VI/EN
 * toggle later only changes how <Bi> renders a pair.
 */
import type { Reason } from '../../core/protocol/messages.ts';

export interface Bilingual {
  vi: string;
  en: string;
}

export const t = {
  idle: { vi: 'Chạm thẻ để mượn sách', en: 'Tap your card to borrow' },
  startReturn: { vi: 'Trả sách', en: 'Return books' },
  returnTitle: { vi: 'Trả sách', en: 'Return books' },
  returnHint: { vi: 'Quét mã sách để trả', en: 'Scan a book to return it' },
  returnedTitle: { vi: 'Sách vừa trả', en: 'Books returned' },
  returned: { vi: 'Đã trả', en: 'Returned' },
  done: { vi: 'Xong', en: 'Done' },
  thanksReturn: { vi: 'Cảm ơn! Sách đã được trả.', en: 'Thank you! Your books are back.' },
  hello: (name: string) => ({ vi: `Xin chào, ${name}`, en: `Hello, ${name}` }),
  className: (c: string) => ({ vi: `Lớp ${c}`, en: `Class ${c}` }),
  homeroom: (c: string) => ({ vi: `Chủ nhiệm lớp ${c}`, en: `Homeroom teacher, ${c}` }),
  // Pupils are addressed as "em"; a teacher would find that rude, so staff get no pronoun.
  remainingPupil: (n: number) => ({ vi: `Em còn được mượn ${n} cuốn`, en: `You can borrow ${n} more` }),
  remainingStaff: (n: number) => ({ vi: `Còn được mượn ${n} cuốn`, en: `You can borrow ${n} more` }),
  loansTitle: { vi: 'Sách đang mượn', en: 'Books you have' },
  noLoans: { vi: 'Chưa mượn cuốn nào', en: 'No books borrowed' },
  itemsTitle: { vi: 'Sách vừa quét', en: 'Books just scanned' },
  noItems: { vi: 'Đặt sách lên khay hoặc quét mã sách', en: 'Put books on the pad or scan them' },
  due: (d: string) => ({ vi: `Hạn trả: ${d}`, en: `Due: ${d}` }),
  overdue: { vi: 'Quá hạn', en: 'Overdue' },
  borrowed: { vi: 'Đã mượn', en: 'Borrowed' },
  checking: { vi: 'Đang kiểm tra…', en: 'Checking…' },
  finish: { vi: 'Xong', en: 'Finish' },
  renew: { vi: 'Gia hạn', en: 'Renew' },
  forClass: (c: string) => ({ vi: `Mượn cho lớp ${c}`, en: `Borrow for class ${c}` }),
  forClassOn: (c: string) => ({ vi: `Đang mượn cho lớp ${c}`, en: `Borrowing for class ${c}` }),
  // Anyone may stand at the return screen; a child most likely, so "em" unless we know a teacher is there.
  idleAskPupil: { vi: 'Em còn ở đây không?', en: 'Are you still there?' },
  idleAskStaff: { vi: 'Thầy cô còn ở đây không?', en: 'Are you still there?' },
  idleTouch: { vi: 'Chạm vào màn hình để tiếp tục.', en: 'Touch the screen to continue.' },
  keepGoing: { vi: 'Tiếp tục', en: 'Continue' },
  noSlip: { vi: 'Không in phiếu', en: 'No slip' },
  goodbye: { vi: 'Tạm biệt! Nhớ trả sách đúng hạn nhé.', en: 'Goodbye! Remember to return your books on time.' },
  slipPrinted: { vi: 'Nhớ lấy phiếu mượn nhé', en: 'Take your slip' },
  slipSkipped: { vi: 'Không in phiếu', en: 'No slip printed' },
  slipFailed: { vi: 'Máy in có lỗi, em hãy báo cô thủ thư', en: 'Printer problem: please tell the librarian' },
  // The PIN screen speaks to pupils and teachers alike (nobody is identified yet): no "em".
  pinTitle: { vi: 'Nhập mã PIN', en: 'Enter your PIN' },
  pinHint: { vi: 'Mã PIN có 4 đến 6 số', en: 'Your PIN has 4 to 6 digits' },
  pinTyped: (n: number) => ({ vi: `Đã nhập ${n} số`, en: `${n} digits typed` }),
  pinDelete: { vi: 'Xoá', en: 'Delete' },
  pinOk: { vi: 'Xong', en: 'OK' },
  pinCancel: { vi: 'Huỷ', en: 'Cancel' },
  offline: { vi: 'Đang làm việc ngoại tuyến', en: 'Working offline' },
  connecting: { vi: 'Đang kết nối…', en: 'Connecting…' },
  reconnecting: { vi: 'Đang kết nối lại…', en: 'Reconnecting…' },
  langLabel: { vi: 'Ngôn ngữ', en: 'Language' },
  openingHours: (open: string, close: string) => ({ vi: `Giờ mở cửa: ${open} – ${close}`, en: `Opening hours: ${open} – ${close}` }),
  openDays: (days: number[]) => ({ vi: weekdayRange(days, 'vi'), en: weekdayRange(days, 'en') }),
  closedToday: { vi: 'Hôm nay thư viện nghỉ', en: 'The library is closed today' },
  closedFor: (h: { name_vi: string; name_en: string }) => ({ vi: `Hôm nay thư viện nghỉ: ${h.name_vi}`, en: `The library is closed today: ${h.name_en}` }),
  readingToday: (grades: number[]) => ({ vi: `Hôm nay là ngày đọc sách của khối ${joinVi(grades)}`, en: `Today is reading day for grade${grades.length > 1 ? 's' : ''} ${joinEn(grades)}` }),
  noReadingToday: { vi: 'Hôm nay không có lớp nào đến giờ đọc sách', en: 'No class has its reading period today' },
  scheduleTitle: { vi: 'Lịch đọc sách', en: 'Reading schedule' },
  weekdayShort: (d: number) => ({ vi: WEEKDAY_VI_SHORT[d] ?? String(d), en: WEEKDAY_EN_SHORT[d] ?? String(d) }),
  gradesShort: (grades: number[]) => ({ vi: grades.length ? `Khối ${grades.join(', ')}` : '—', en: grades.length ? `Grade ${grades.join(', ')}` : '—' }),
  simTitle: { vi: 'Mô phỏng thiết bị', en: 'Device simulator' },
  simCard: { vi: 'Chạm thẻ', en: 'Tap card' },
  simScan: { vi: 'Quét mã sách', en: 'Scan book' },
} as const;

// ISO weekday (1 = Monday … 7 = Sunday).
const WEEKDAY_VI = ['', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ nhật'];
const WEEKDAY_EN = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const WEEKDAY_VI_SHORT = ['', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'CN'];
const WEEKDAY_EN_SHORT = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function joinVi(xs: number[]): string {
  return xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} và ${xs[xs.length - 1]}`;
}

function joinEn(xs: number[]): string {
  return xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

/** [1,2,3,4,5] → "Thứ Hai – Thứ Sáu"; days that are not consecutive are listed. */
export function weekdayRange(days: number[], lang: 'vi' | 'en'): string {
  const names = lang === 'vi' ? WEEKDAY_VI : WEEKDAY_EN;
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  if (sorted.length === 0) return '';
  const consecutive = sorted.every((d, i) => i === 0 || d === sorted[i - 1]! + 1);
  if (consecutive && sorted.length >= 3) return `${names[sorted[0]!]} – ${names[sorted[sorted.length - 1]!]}`;
  return sorted.map((d) => names[d]).join(', ');
}

export function reasonText(r: Reason): Bilingual {
  return { vi: r.message_vi, en: r.message_en };
}

/** "2025-10-07" → "07/10/2025". Works on the string, so no time zone can shift the day. */
export function formatDate(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : isoDate;
}
