import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { fileKindOf, readSheet } from './sheet-reader';

const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const reasonOf = async (work: () => Promise<unknown>) => {
  try {
    await work();
  } catch (error) {
    return (error as { reason?: string }).reason;
  }
  return undefined;
};

describe('fileKindOf', () => {
  it('tells a file by its bytes, not its name', async () => {
    expect(await fileKindOf(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0]))).toBe('xlsx');
    expect(await fileKindOf(Buffer.from('\ufeff日期,当日办件量\n2023-03-01,1\n'))).toBe('csv');
    expect(await fileKindOf(Buffer.from(new TextEncoder().encode('a,b\n')))).toBe('csv');
    expect(await reasonOf(() => fileKindOf(Buffer.concat([OLE, Buffer.from('EncryptionInfo', 'utf16le')])))).toBe(
      'FILE_ENCRYPTED',
    );
    expect(await reasonOf(() => fileKindOf(Buffer.concat([OLE, Buffer.alloc(64)])))).toBe('FILE_LEGACY_XLS');
    expect(await reasonOf(() => fileKindOf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 0, 3])))).toBe('FILE_TYPE');
    expect(await reasonOf(() => fileKindOf(Buffer.alloc(0)))).toBe('FILE_EMPTY');
  });

  it('reads a CSV saved by WPS in GB18030', async () => {
    const gbk = Buffer.from([0xc8, 0xd5, 0xc6, 0xda, 0x2c, 0x61, 0x0a]); // "日期,a\n"
    expect((await readSheet(gbk)).rows).toEqual([['日期', 'a']]);
  });
});

// ---------------------------------------------------------------------------------------------

async function xlsx(build: (workbook: ExcelJS.Workbook) => void, options: Partial<ExcelJS.XlsxWriteOptions> = {}) {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer(options));
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A stored or deflated zip entry; `declared` is what its headers claim (a lying zip). */
function entry(name: string, content: string | Buffer, declared?: { size: number; crc: number }) {
  const data = Buffer.from(content);
  return {
    name,
    stored: zlib.deflateRawSync(data),
    size: declared?.size ?? data.length,
    crc: declared?.crc ?? zlib.crc32(data),
  };
}

function zipOf(entries: ReturnType<typeof entry>[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const header = (signature: number, length: number, at: number) => {
      const h = Buffer.alloc(length);
      h.writeUInt32LE(signature, 0);
      h.writeUInt16LE(8, at); // deflate
      h.writeUInt32LE(e.crc >>> 0, at + 6);
      h.writeUInt32LE(e.stored.length, at + 10);
      h.writeUInt32LE(e.size, at + 14);
      h.writeUInt16LE(name.length, at + 18);
      return h;
    };
    const central = header(0x02014b50, 46, 10);
    central.writeUInt32LE(offset, 42);
    locals.push(header(0x04034b50, 30, 8), name, e.stored);
    centrals.push(central, name);
    offset += 30 + name.length + e.stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A one-sheet workbook around the sheet XML given (and shared strings, when given). */
function workbookWith(
  sheetData: string,
  options: { strings?: string; sheetDeclared?: { size: number; crc: number } } = {},
) {
  const rels = [`<Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>`];
  if (options.strings !== undefined)
    rels.push(`<Relationship Id="rId2" Type="${REL}/sharedStrings" Target="/xl/sharedStrings.xml"/>`);
  return zipOf([
    entry(
      '_rels/.rels',
      `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    entry(
      'xl/workbook.xml',
      `<x:workbook xmlns:x="${MAIN}" xmlns:rel="${REL}"><x:sheets><x:sheet name="表1" sheetId="1" rel:id="rId1"/></x:sheets></x:workbook>`,
    ),
    entry(
      'xl/_rels/workbook.xml.rels',
      `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join('')}</Relationships>`,
    ),
    ...(options.strings !== undefined ? [entry('xl/sharedStrings.xml', options.strings)] : []),
    entry(
      'xl/worksheets/sheet1.xml',
      `<worksheet xmlns="${MAIN}"><sheetData>${sheetData}</sheetData></worksheet>`,
      options.sheetDeclared,
    ),
  ]);
}

const problem = (zh: string) => ({ problem: expect.objectContaining({ 'zh-CN': expect.stringContaining(zh) }) });

describe('readSheet of an xlsx', () => {
  it('reads what a clerk’s sheet holds: title rows, merged ranges, dates, numbers as text, gaps', async () => {
    const bytes = await xlsx((workbook) => {
      const sheet = workbook.addWorksheet('四月');
      sheet.mergeCells('A1:C1');
      sheet.getCell('A1').value = '亢村镇政务服务大回访日报台账';
      sheet.addRow(['日期', '当日办件量', '备注']);
      sheet.addRow([
        new Date(Date.UTC(2023, 3, 2)),
        '8',
        { richText: [{ text: '红', font: { bold: true } }, { text: '字' }] },
      ]);
      sheet.getCell('A3').numFmt = 'yyyy"年"m"月"d"日"';
      sheet.addRow([]);
      sheet.addRow(['2023.4.4', 4.5, { text: '链接', hyperlink: 'http://example.com' }]);
      sheet.addRow(['  ', true, { error: '#N/A' }]);
    });
    const sheet = await readSheet(bytes);
    expect(sheet).toEqual({
      name: '四月',
      rows: [
        ['亢村镇政务服务大回访日报台账'],
        ['日期', '当日办件量', '备注'],
        [new Date(Date.UTC(2023, 3, 2)), '8', '红字'],
        [],
        ['2023.4.4', 4.5, '链接'],
        [null, true, problem('单元格 C6 是错误值 #N/A')],
      ],
      merges: ['A1:C1'],
    });
  });

  it('takes a formula’s cached result, and makes one without a result its cell’s problem', async () => {
    const bytes = await xlsx((workbook) => {
      const sheet = workbook.addWorksheet('F');
      sheet.addRow([{ formula: '1+2', result: 3 }, { formula: 'B9*2' }, { formula: 'A1&"x"', result: 'ax' }]);
      sheet.addRow([
        { formula: 'NA()', result: { error: '#N/A' } },
        { formula: 'TODAY()', result: new Date(Date.UTC(2023, 0, 5)) },
      ]);
      sheet.getCell('B2').numFmt = 'yyyy-mm-dd';
      sheet.getCell('A3').value = {
        formula: 'A1+1',
        result: 4,
        shareType: 'shared',
        ref: 'A3:A4',
      } as ExcelJS.CellValue;
      sheet.getCell('A4').value = { sharedFormula: 'A3', result: 5 } as ExcelJS.CellValue;
    });
    expect((await readSheet(bytes)).rows).toEqual([
      [3, problem('单元格 B1 是公式且没有计算结果'), 'ax'],
      [problem('单元格 A2 是公式且没有计算结果'), new Date(Date.UTC(2023, 0, 5))],
      [4],
      [5],
    ]);
  });

  it('reads the first visible sheet with data: hidden and empty sheets are passed over; 1904 dates; inline strings', async () => {
    const bytes = await xlsx(
      (workbook) => {
        workbook.properties.date1904 = true;
        workbook.addWorksheet('隐藏', { state: 'hidden' }).addRow(['hidden']);
        workbook.addWorksheet('空');
        const sheet = workbook.addWorksheet('数据');
        sheet.addRow(['日期', new Date(Date.UTC(2023, 2, 1))]);
        sheet.getCell('B1').numFmt = 'yyyy-mm-dd';
      },
      { useSharedStrings: false },
    );
    expect(await readSheet(bytes)).toEqual({
      name: '数据',
      rows: [['日期', new Date(Date.UTC(2023, 2, 1))]],
      merges: [],
    });
  });

  it('reads prefixed SpreadsheetML, cells without references, rich shared strings without their phonetic guide', async () => {
    const strings = `<sst xmlns="${MAIN}"><si><t>日期</t></si><si><r><t>办</t></r><r><rPr><b/></rPr><t>件</t></r><rPh sb="0" eb="1"><t>ban</t></rPh></si><si><t>a_x000D_b</t></si></sst>`;
    const bytes = workbookWith(
      '<row r="2"><c t="s"><v>0</v></c><c t="s"><v>1</v></c><c t="s"><v>2</v></c></row>' +
        '<row><c r="B3" t="inlineStr"><is><t>内</t></is></c><c t="b"><v>0</v></c><c t="d"><v>2023-03-01T08:30:00</v></c></row>',
      { strings },
    );
    expect(await readSheet(bytes)).toEqual({
      name: '表1',
      rows: [[], ['日期', '办件', 'a\rb'], [null, '内', false, new Date(Date.UTC(2023, 2, 1, 8, 30))]],
      merges: [],
    });
  });
});

describe('readSheet’s limits', () => {
  it('refuses a sheet with a value past column 200 at its first row', async () => {
    const row = Array.from({ length: 201 }, (_, i) => `<c><v>${i}</v></c>`).join('');
    expect(await reasonOf(() => readSheet(workbookWith(`<row>${row}</row>`)))).toBe('FILE_TOO_MANY_COLUMNS');
    // empty (styled) cells far to the right are no values
    const styled = `<row><c><v>1</v></c><c r="XFD1" s="1"/></row>`;
    expect((await readSheet(workbookWith(styled))).rows).toEqual([[1]]);
  });

  it('refuses more rows with values than an import takes (title and header rows aside)', async () => {
    const rows = '<row><c><v>1</v></c></row>'.repeat(20_101);
    const error = await readSheet(workbookWith(rows)).catch((e: { reason: string; text: Record<string, string> }) => e);
    expect(error).toMatchObject({
      reason: 'FILE_TOO_MANY_ROWS',
      text: { 'zh-CN': '一次最多导入 20000 行，请拆分文件' },
    });
    // empty rows are not counted
    expect((await readSheet(workbookWith('<row/>'.repeat(30_000) + '<row><c><v>1</v></c></row>'))).rows).toHaveLength(
      30_001,
    );
  });

  it('refuses a string table of more than 32 MB of text', async () => {
    // text that packs as text does (not 1:1000, which the ratio check would refuse first): 68 × 500,000 letters
    let seed = 1;
    const next = () => (seed = (seed * 48271) % 2147483647);
    const text = Array.from({ length: 500_000 }, () => 'abcdefghijklmnop'[next() % 16]).join('');
    const big = `<si><t>${text}</t></si>`.repeat(68);
    const bytes = workbookWith('<row><c t="s"><v>0</v></c></row>', { strings: `<sst xmlns="${MAIN}">${big}</sst>` });
    expect(await reasonOf(() => readSheet(bytes))).toBe('FILE_TOO_MUCH_TEXT');
  });

  it('refuses a part that says it unpacks past the limit before inflating it, and a damaged or odd part', async () => {
    const bytes = workbookWith('<row><c><v>1</v></c></row>', { sheetDeclared: { size: 200 * 1024 * 1024, crc: 0 } });
    expect(await reasonOf(() => readSheet(bytes))).toBe('FILE_UNPACKED_TOO_LARGE');
    const wrongCrc = workbookWith('<row><c><v>1</v></c></row>', { sheetDeclared: { size: 10, crc: 1 } });
    expect(await reasonOf(() => readSheet(wrongCrc))).toBe('FILE_UNREADABLE');
    const longValue = workbookWith(`<row><c><v>${'9'.repeat(2_000_000)}</v></c></row>`);
    expect(await reasonOf(() => readSheet(longValue))).toBe('FILE_UNREADABLE');
    const notXml = workbookWith('<row><c><v>1</v></row>');
    expect(await reasonOf(() => readSheet(notXml))).toBe('FILE_UNREADABLE');
    const whole = workbookWith('<row><c><v>1</v></c></row>');
    expect(await reasonOf(() => readSheet(whole.subarray(0, whole.length - 30)))).toBe('FILE_UNREADABLE');
  });
});

describe('readSheet’s limits for a CSV', () => {
  it('refuses a line of a million commas at once, without building it', async () => {
    const started = performance.now();
    const csv = Buffer.concat([Buffer.from('日期,a\n'), Buffer.alloc(1_000_000, ','), Buffer.from('\n1,2\n')]);
    expect(await reasonOf(() => readSheet(csv))).toBe('FILE_TOO_MANY_COLUMNS');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await reasonOf(() => readSheet(Buffer.from(`${'a,'.repeat(200)}a\n`)))).toBe('FILE_TOO_MANY_COLUMNS');
    expect((await readSheet(Buffer.from(`${'a,'.repeat(199)}a\n`))).rows[0]).toHaveLength(200);
  });

  it('refuses more lines than an import takes, and more cells with a value than two million', async () => {
    expect(await reasonOf(() => readSheet(Buffer.from('a\n'.repeat(20_101))))).toBe('FILE_TOO_MANY_ROWS');
    const line = `${'1,'.repeat(199)}1\n`;
    expect(await reasonOf(() => readSheet(Buffer.from(line.repeat(10_001))))).toBe('FILE_TOO_MANY_CELLS');
  });

  it('reads characters of two UTF-16 units whole wherever the chunks and slices fall', async () => {
    const long = '😀字'.repeat(100_000);
    expect((await readSheet(Buffer.from(`x,${long}\n`))).rows).toEqual([['x', long]]);
    const gb18030 = Buffer.concat([Buffer.from('ab,'), Buffer.alloc(300_001 * 2, Buffer.from([0xc8, 0xd5]))]); // ab,日日… (a 日 across each slice's end)
    expect((await readSheet(gb18030)).rows).toEqual([['ab', '日'.repeat(300_001)]]);
  });

  it('keeps empty lines as empty rows and quoted fields whole', async () => {
    expect((await readSheet(Buffer.from('a,"b,\n c"\n\n"x""y",\n'))).rows).toEqual([
      ['a', 'b,\n c'],
      [null],
      ['x"y', null],
    ]);
  });
});
