/**
 * A fixed loan slip with the hard cases of Vietnamese (stacked marks, Đ, ơ/ư with tones), used by
 * the golden test (docs/slip-golden.png), the benchmark and as the model for the station's slip.
 */
import type { RichSlip, SlipBlock } from './slip-document.ts';

export interface SampleLoan {
  title: string;
  barcode: string;
  due: string;
}

export const SAMPLE_LOANS: SampleLoan[] = [
  { title: 'Dế Mèn phiêu lưu ký', barcode: 'STK.000123', due: '15/10/2025' },
  { title: 'Tiếng Việt 1, tập một', barcode: 'SGK.004512', due: '31/12/2025' },
  { title: 'Những ngôi sao xa xôi — Lê Minh Khuê (tuyển tập truyện ngắn)', barcode: 'STK.001987', due: '15/10/2025' },
];

/** The golden slip: school, title, pupil, three loans with due dates, a reminder and a CODE128 slip number. */
export function sampleSlip(): RichSlip {
  const blocks: SlipBlock[] = [
    { type: 'text', text: 'Trường TH&THCS Demo', size: 'large', bold: true, align: 'center' },
    { type: 'text', text: 'Thư viện trường học', size: 'small', align: 'center' },
    { type: 'space', dots: 8 },
    { type: 'text', text: 'PHIẾU MƯỢN SÁCH', size: 'title', bold: true, align: 'center' },
    { type: 'text', text: 'Loan slip · 08/10/2025 09:41', size: 'small', align: 'center' },
    { type: 'rule' },
    { type: 'text', text: 'Nguyễn Thị Ánh Dương', size: 'large', bold: true },
    { type: 'text', text: 'Lớp 4A2 · ĐỖ VĂN ĐỨC (GVCN)', size: 'small' },
    { type: 'rule' },
  ];
  SAMPLE_LOANS.forEach((l, i) => {
    blocks.push(
      { type: 'text', text: `${i + 1}. ${l.title}`, bold: true },
      { type: 'pair', left: l.barcode, right: `Hạn trả ${l.due}`, bold: 'right', indent: 28 },
      { type: 'space', dots: 6 },
    );
  });
  blocks.push(
    { type: 'rule', dashed: true },
    { type: 'text', text: 'Em nhớ trả sách đúng hạn nhé! Sách ướt, rách hay mất, em báo cô thủ thư.', align: 'center' },
    { type: 'text', text: 'Please return the books on time.', size: 'small', align: 'center' },
    { type: 'space', dots: 10 },
    { type: 'barcode', data: '202510080042' },
  );
  const lines = [
    'Trường TH&THCS Demo',
    'PHIẾU MƯỢN SÁCH / LOAN SLIP',
    '08/10/2025 09:41',
    '--------------------------------',
    'Nguyễn Thị Ánh Dương - Lớp 4A2',
    '--------------------------------',
    ...SAMPLE_LOANS.flatMap((l, i) => [`${i + 1}. ${l.title}`, `   ${l.barcode}`, `   Hạn trả / Due: ${l.due}`]),
    '--------------------------------',
    'Em nhớ trả sách đúng hạn nhé! Please return on time.',
  ];
  return { lines, blocks };
}
