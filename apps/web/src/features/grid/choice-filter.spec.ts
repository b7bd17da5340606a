import { describe, expect, it } from 'vitest';
import { filterChoices, pickedValues, pinyinInitials, togglePicked } from './choice-filter';

const reasons = [
  { value: 'A', label: '服务态度不好' },
  { value: 'B', label: '缺少主动服务' },
  { value: 'C', label: '没有使用文明用语/没有微笑服务' },
  { value: 'H', label: '办事效率低' },
  { value: 'X', label: 'Low efficiency' },
];
const values = (query: string) => filterChoices(reasons, query).map((o) => o.value);

describe('filterChoices', () => {
  it('lists every option for an empty or blank box', () => {
    expect(values('')).toEqual(['A', 'B', 'C', 'H', 'X']);
    expect(values('  ')).toEqual(['A', 'B', 'C', 'H', 'X']);
  });

  it('finds 服务态度不好 by 态度, a part of its label (what an input method types)', () => {
    expect(values('态度')).toEqual(['A']);
  });

  it('puts labels that start with the text before those that only contain it', () => {
    // 服务态度不好 starts with 服务; 缺少主动服务 and 没有…微笑服务 contain it
    expect(values('服务')).toEqual(['A', 'B', 'C']);
    expect(values('效率')).toEqual(['H']);
  });

  it('reads an option’s own value (a survey letter) first, and ignores case and full-width letters', () => {
    expect(values('h')).toEqual(['H']);
    expect(values('ＬＯＷ')).toEqual(['X']);
    expect(values('efficiency')).toEqual(['X']);
  });

  it('reads Latin letters typed at Chinese labels as pinyin initials, after every label match', () => {
    expect(values('fwtd')).toEqual(['A']); // 服务态度
    expect(values('bsx')).toEqual(['H']); // 办事效(率低)
    expect(values('ld')).toEqual(['H']); // (办事效)率低
    // initials that start with it (服务态度不好) before those that contain it (缺少主动服务, …微笑服务)
    expect(values('fw')).toEqual(['A', 'B', 'C']);
  });

  it('finds nothing for text no label holds', () => {
    expect(values('退费')).toEqual([]);
  });
});

describe('pinyinInitials', () => {
  it('gives the initials of common characters, keeping Latin letters and digits', () => {
    expect(pinyinInitials('服务态度不好')).toBe('fwtdbh');
    expect(pinyinInitials('没有使用文明用语/没有微笑服务')).toBe('mysywmyymywxfw');
    expect(pinyinInitials('网上查不到办事状态')).toBe('wscbdbszt');
    expect(pinyinInitials('12345热线')).toBe('12345rx');
  });
});

describe('togglePicked and pickedValues', () => {
  it('adds in the order picked and removes on a second pick', () => {
    expect(togglePicked(['A'], 'H')).toEqual(['A', 'H']);
    expect(togglePicked(['A', 'H'], 'A')).toEqual(['H']);
  });

  it('reads a cell’s list, and nothing from text kept as typed or an empty cell', () => {
    expect(pickedValues(['A', 'H'])).toEqual(['A', 'H']);
    expect(pickedValues('服务态度')).toEqual([]);
    expect(pickedValues(null)).toEqual([]);
  });
});
