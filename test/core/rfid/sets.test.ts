import assert from 'node:assert/strict';
import { groupSets } from '#core/rfid/sets.ts';

const tag = (itemId: string, parts: number, part: number, owner: string | null = 'VN-THCS01') => ({ itemId, owner, setInfo: { parts, part } });

describe('core/rfid/sets', () => {
  it('a single-part book is a complete set of 1', () => {
    assert.deepEqual(groupSets([tag('30001000000101', 1, 1)]), [
      { itemId: '30001000000101', owner: 'VN-THCS01', parts: 1, present: [1], missing: [], complete: true },
    ]);
  });

  it('a book with its CD is complete only when both parts lie on the pad', () => {
    const [book] = groupSets([tag('MS0000123', 2, 1)]);
    assert.deepEqual([book!.complete, book!.missing], [false, [2]]);
    const [both] = groupSets([tag('MS0000123', 2, 2), tag('MS0000123', 2, 1)]);
    assert.deepEqual([both!.complete, both!.present], [true, [1, 2]]);
  });

  it('keeps items of different owners apart and counts a part seen twice once', () => {
    const sets = groupSets([tag('A', 3, 1), tag('A', 3, 1), tag('A', 3, 3), tag('A', 1, 1, 'VN-OTHER')]);
    assert.equal(sets.length, 2);
    assert.deepEqual(sets[0]!.missing, [2]);
    assert.equal(sets[1]!.complete, true);
  });

  it('trusts the largest part count when the tags of a set disagree', () => {
    const [s] = groupSets([tag('B', 2, 1), tag('B', 3, 2)]);
    assert.deepEqual(s!.missing, [3]);
  });
});
