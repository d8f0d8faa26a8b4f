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
  simTitle: { vi: 'Mô phỏng thiết bị', en: 'Device simulator' },
  simCard: { vi: 'Chạm thẻ', en: 'Tap card' },
  simScan: { vi: 'Quét mã sách', en: 'Scan book' },
} as const;

export function reasonText(r: Reason): Bilingual {
  return { vi: r.message_vi, en: r.message_en };
}

/** "2025-10-07" → "07/10/2025". Works on the string, so no time zone can shift the day. */
export function formatDate(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : isoDate;
}
