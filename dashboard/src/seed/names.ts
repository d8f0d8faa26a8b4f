/**
 * Vietnamese personal names for the demo roster: family name + middle name(s) + given name,
 * written in that order. Family-name weights follow the commonly cited shares (Nguyễn about 38 %,
 * Trần 11 %, Lê 9.5 % …). Middle names differ by generation: "Văn" and "Thị" are far less usual
 * for children born after 2010 than for their teachers, who more often carry them.
 */
import type { Rng } from './prng.ts';

export type Gender = 'male' | 'female';

export const FAMILY_NAMES: readonly (readonly [string, number])[] = [
  ['Nguyễn', 38],
  ['Trần', 11],
  ['Lê', 9.5],
  ['Phạm', 7],
  ['Hoàng', 3],
  ['Huỳnh', 2.5],
  ['Phan', 4.5],
  ['Vũ', 2.5],
  ['Võ', 2.5],
  ['Đặng', 2.1],
  ['Bùi', 2],
  ['Đỗ', 1.4],
  ['Hồ', 1.3],
  ['Ngô', 1.3],
  ['Dương', 1],
  ['Lý', 0.5],
  ['Đinh', 0.8],
  ['Trịnh', 0.6],
  ['Đào', 0.6],
  ['Lương', 0.4],
  ['Mai', 0.4],
  ['Cao', 0.3],
  ['Tạ', 0.2],
  ['Lâm', 0.3],
];

const CHILD_MIDDLE: Record<Gender, readonly (readonly [string, number])[]> = {
  male: [
    ['Minh', 10],
    ['Gia', 8],
    ['Đức', 7],
    ['Quang', 6],
    ['Hoàng', 5],
    ['Anh', 4],
    ['Bảo', 6],
    ['Đăng', 4],
    ['Nhật', 4],
    ['Hữu', 3],
    ['Thành', 3],
    ['Tuấn', 3],
    ['Văn', 3],
    ['Trung', 2],
    ['Hải', 2],
    ['Tiến', 2],
    ['Khánh', 2],
    ['Phúc', 2],
  ],
  female: [
    ['Ngọc', 10],
    ['Bảo', 6],
    ['Khánh', 6],
    ['Minh', 6],
    ['Thu', 4],
    ['Phương', 4],
    ['Thanh', 4],
    ['Mai', 3],
    ['Quỳnh', 3],
    ['Diệu', 3],
    ['Hà', 3],
    ['Gia', 4],
    ['Tuệ', 2],
    ['Hoài', 2],
    ['Thảo', 2],
    ['An', 2],
    ['Thị', 3],
    ['Kim', 2],
  ],
};

const ADULT_MIDDLE: Record<Gender, readonly (readonly [string, number])[]> = {
  male: [
    ['Văn', 20],
    ['Minh', 8],
    ['Đức', 8],
    ['Quang', 6],
    ['Hữu', 6],
    ['Thanh', 5],
    ['Xuân', 4],
    ['Ngọc', 4],
    ['Công', 4],
    ['Mạnh', 3],
    ['Đình', 4],
    ['Trọng', 3],
  ],
  female: [
    ['Thị', 35],
    ['Thu', 6],
    ['Ngọc', 6],
    ['Thanh', 6],
    ['Minh', 4],
    ['Kim', 4],
    ['Hồng', 4],
    ['Phương', 4],
    ['Thuý', 3],
    ['Bích', 3],
    ['Hải', 2],
  ],
};

const CHILD_GIVEN: Record<Gender, readonly string[]> = {
  male: [
    'An', 'Bảo', 'Khang', 'Khoa', 'Minh', 'Nam', 'Phúc', 'Quân', 'Huy', 'Long', 'Dũng', 'Đạt',
    'Kiên', 'Lâm', 'Phong', 'Sơn', 'Tài', 'Thịnh', 'Trí', 'Tuấn', 'Vinh', 'Việt', 'Hiếu', 'Duy',
    'Đức', 'Khôi', 'Tùng', 'Hưng', 'Nguyên', 'Thắng', 'Hào', 'Lộc', 'Tín', 'Hoàng', 'Kiệt', 'Nhân',
    'Quang', 'Thành', 'Trung', 'Vũ',
  ],
  female: [
    'Anh', 'Chi', 'Hà', 'Hân', 'Hoa', 'Hương', 'Lan', 'Linh', 'Mai', 'My', 'Ngân', 'Ngọc', 'Nhi',
    'Nhung', 'Phương', 'Quyên', 'Thảo', 'Trang', 'Trâm', 'Uyên', 'Vy', 'Yến', 'Thư', 'Diệp', 'Khuê',
    'Tâm', 'Giang', 'Hằng', 'Loan', 'Châu', 'Như', 'Oanh', 'Quỳnh', 'Tiên', 'Trà', 'Vân', 'Xuân',
    'An', 'Hạnh', 'Lam',
  ],
};

const ADULT_GIVEN: Record<Gender, readonly string[]> = {
  male: [
    'Hùng', 'Dũng', 'Tuấn', 'Hải', 'Thắng', 'Cường', 'Sơn', 'Bình', 'Tùng', 'Hoà', 'Trung', 'Quang',
    'Thành', 'Long', 'Phong', 'Nam', 'Hưng', 'Tâm', 'Lợi', 'Khánh',
  ],
  female: [
    'Hương', 'Lan', 'Hoa', 'Hằng', 'Nga', 'Thuỷ', 'Huyền', 'Hà', 'Mai', 'Liên', 'Loan', 'Tuyết',
    'Hạnh', 'Thảo', 'Trang', 'Yến', 'Dung', 'Phượng', 'Vân', 'Oanh', 'Nhung', 'Thu', 'Hiền', 'Lý',
  ],
};

export function randomFullName(rng: Rng, gender: Gender, generation: 'child' | 'adult'): string {
  const family = rng.weighted(FAMILY_NAMES);
  const middles = generation === 'child' ? CHILD_MIDDLE[gender] : ADULT_MIDDLE[gender];
  const given = generation === 'child' ? CHILD_GIVEN[gender] : ADULT_GIVEN[gender];
  let middle = rng.weighted(middles);
  let name = rng.pick(given);
  // "Minh Minh", "Ngọc Ngọc": a middle name is never the given name.
  while (name === middle) name = rng.pick(given);
  // About one child in eight carries two middle names (e.g. "Nguyễn Ngọc Bảo Anh").
  if (generation === 'child' && rng.chance(0.12)) {
    const second = rng.weighted(middles);
    if (second !== middle && second !== name) middle = `${middle} ${second}`;
  }
  return `${family} ${middle} ${name}`;
}
