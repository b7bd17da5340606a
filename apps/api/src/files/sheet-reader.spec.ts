import { describe, expect, it } from 'vitest';
import { fileKindOf, readSheet } from './sheet-reader';

const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const reasonOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return (error as { reason?: string }).reason;
  }
  return undefined;
};

describe('fileKindOf', () => {
  it('tells a file by its bytes, not its name', () => {
    expect(fileKindOf(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0]))).toBe('xlsx');
    expect(fileKindOf(Buffer.from('\ufeff日期,当日办件量\n2023-03-01,1\n'))).toBe('csv');
    expect(fileKindOf(Buffer.from(new TextEncoder().encode('a,b\n')))).toBe('csv');
    expect(reasonOf(() => fileKindOf(Buffer.concat([OLE, Buffer.from('EncryptionInfo', 'utf16le')])))).toBe(
      'FILE_ENCRYPTED',
    );
    expect(reasonOf(() => fileKindOf(Buffer.concat([OLE, Buffer.alloc(64)])))).toBe('FILE_LEGACY_XLS');
    expect(reasonOf(() => fileKindOf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 0, 3])))).toBe('FILE_TYPE');
    expect(reasonOf(() => fileKindOf(Buffer.alloc(0)))).toBe('FILE_EMPTY');
  });

  it('reads a CSV saved by WPS in GB18030', async () => {
    const gbk = Buffer.from([0xc8, 0xd5, 0xc6, 0xda, 0x2c, 0x61, 0x0a]); // "日期,a\n"
    expect((await readSheet(gbk)).rows).toEqual([['日期', 'a']]);
  });
});
