import { describe, expect, it } from 'vitest';
import { cutChars, FolderNames, linkTarget, safeName } from './zip-names';

describe('names inside an export zip', () => {
  it('replaces what Windows refuses in a name, and control characters', () => {
    expect(safeName('a\\b/c:d*e?f"g<h>i|j.jpg', 60)).toBe('a_b_c_d_e_f_g_h_i_j.jpg');
    expect(safeName('第一行\n第二行\t完', 60)).toBe('第一行 第二行 完');
  });

  it('drops trailing dots and spaces, and makes device names and empty names harmless', () => {
    expect(safeName('报告.. ', 60)).toBe('报告');
    expect(safeName('CON', 60)).toBe('_CON');
    expect(safeName('nul.txt', 60)).toBe('_nul.txt');
    expect(safeName('com1.jpg', 60)).toBe('_com1.jpg');
    expect(safeName('console.jpg', 60)).toBe('console.jpg');
    expect(safeName('   ', 60)).toBe('_');
    expect(safeName('.hidden', 60)).toBe('_.hidden');
  });

  it('cuts long names by characters, keeping a file’s extension', () => {
    const long = `${'整改'.repeat(40)}.jpeg`;
    const cut = safeName(long, 20, { keepExtension: true });
    expect(cut).toBe(`${'整改'.repeat(7)}整.jpeg`);
    expect(Array.from(cut)).toHaveLength(20);
    // a folder name has no extension to keep
    expect(safeName('第12行 县城关镇东街垃圾堆放点整改.未完', 10)).toBe('第12行 县城关镇东');
    // a character outside the BMP is never split into halves
    expect(cutChars('😀😀😀', 2)).toBe('😀😀');
    expect(safeName('😀'.repeat(30), 5)).toBe('😀'.repeat(5));
  });

  it('tells apart the same name given twice in a folder, whatever its case', () => {
    const folder = new FolderNames();
    expect(folder.take('IMG_0001.jpg', { keepExtension: true })).toBe('IMG_0001.jpg');
    expect(folder.take('IMG_0001.jpg', { keepExtension: true })).toBe('IMG_0001 (2).jpg');
    expect(folder.take('img_0001.JPG', { keepExtension: true })).toBe('img_0001 (3).JPG');
    expect(folder.take('整改照片')).toBe('整改照片');
    expect(folder.take('整改照片')).toBe('整改照片 (2)');
    // another folder has names of its own
    expect(new FolderNames().take('IMG_0001.jpg')).toBe('IMG_0001.jpg');
  });

  it('escapes in a link only what means something in a URI', () => {
    expect(linkTarget('附件/第3行 两张/整改照片/50%#1.jpg')).toBe('附件/第3行%20两张/整改照片/50%25%231.jpg');
    expect(decodeURI(linkTarget('附件/第3行 两张/a b.jpg'))).toBe('附件/第3行 两张/a b.jpg');
  });
});
