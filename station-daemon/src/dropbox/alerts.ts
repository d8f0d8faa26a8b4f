/** What the drop box tells the librarian, in Vietnamese and English (alert events on the dashboard). */

export type DropboxAlertCode =
  | 'FOREIGN_ITEM'
  | 'NOT_ON_LOAN'
  | 'ITEM_UNKNOWN'
  | 'TAG_UNREADABLE'
  | 'SECURITY_NOT_RESET'
  | 'CHECKIN_REFUSED'
  | 'BIN_NEARLY_FULL'
  | 'BIN_FULL';

export interface AlertText {
  code: DropboxAlertCode;
  message_vi: string;
  message_en: string;
}

/** The alert for a code; `a` fills in the book, owner, tag or counts it is about. */
export function alertText(code: DropboxAlertCode, a: { barcode?: string | null; owner?: string | null; uid?: string; count?: number; capacity?: number; reason?: string } = {}): AlertText {
  const b = a.barcode ?? '?';
  switch (code) {
    case 'FOREIGN_ITEM':
      return { code, message_vi: `Hộp trả sách: cuốn ${b} thuộc thư viện khác (${a.owner ?? '?'}), chưa được nhận trả.`, message_en: `Drop box: item ${b} belongs to another library (${a.owner ?? '?'}) and was not checked in.` };
    case 'NOT_ON_LOAN':
      return { code, message_vi: `Hộp trả sách: cuốn ${b} không có ai đang mượn.`, message_en: `Drop box: item ${b} was not on loan.` };
    case 'ITEM_UNKNOWN':
      return { code, message_vi: `Hộp trả sách: cuốn ${b} không có trong danh mục.`, message_en: `Drop box: item ${b} is not in the catalogue.` };
    case 'TAG_UNREADABLE':
      return { code, message_vi: `Hộp trả sách: không đọc được thẻ RFID ${a.uid ?? ''}; hãy kiểm tra khi lấy sách ra.`, message_en: `Drop box: RFID tag ${a.uid ?? ''} could not be read; check it when emptying the bin.` };
    case 'SECURITY_NOT_RESET':
      return { code, message_vi: `Hộp trả sách: chưa đặt lại được chống trộm cho cuốn ${b}; hãy đặt lại khi lấy sách ra.`, message_en: `Drop box: the security bit of item ${b} could not be reset; reset it when emptying the bin.` };
    case 'CHECKIN_REFUSED':
      return { code, message_vi: `Hộp trả sách: máy chủ không nhận trả cuốn ${b} (${a.reason ?? ''}).`, message_en: `Drop box: the server did not check in item ${b} (${a.reason ?? ''}).` };
    case 'BIN_NEARLY_FULL':
      return { code, message_vi: `Thùng hộp trả sách sắp đầy: ${a.count ?? 0}/${a.capacity ?? 0} cuốn.`, message_en: `Drop box bin nearly full: ${a.count ?? 0}/${a.capacity ?? 0} items.` };
    case 'BIN_FULL':
      return { code, message_vi: 'Thùng hộp trả sách đã đầy (cảm biến). Hãy lấy sách ra.', message_en: 'Drop box bin full (sensor). Please empty it.' };
  }
}
