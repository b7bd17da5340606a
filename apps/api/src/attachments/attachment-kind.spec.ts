import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compoundStreamNames, sniffKind, zipContentTypes } from './attachment-kind';

const bytes = (...parts: (number[] | string)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

/** A zip of the given entries, deflated, with its central directory: written here, byte by byte. */
function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = deflateRawSync(Buffer.from(text));
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(text.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(text.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const contentTypesOf = (file: Buffer) =>
  zipContentTypes(async (offset, length) => file.subarray(offset, offset + length), file.length);

describe('the kind of a file, from its content', () => {
  it.each([
    ['a JPEG', bytes([0xff, 0xd8, 0xff, 0xe0]), 'image', 'image/jpeg'],
    ['a PNG', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'image', 'image/png'],
    ['a WebP', bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '), 'image', 'image/webp'],
    ['a HEIC photo', bytes([0, 0, 0, 24], 'ftypheic'), 'image', 'image/heic'],
    ['a PDF', bytes('%PDF-1.7\n'), 'pdf', 'application/pdf'],
  ])('knows %s', (_name, head, kind, mime) => {
    expect(sniffKind(head)).toEqual({ ok: true, kind, mime, format: expect.any(String) as string });
  });

  it.each([
    ['a Windows executable', bytes('MZ', [0x90, 0]), 'Windows executable'],
    ['a Linux executable', bytes([0x7f], 'ELF'), 'executable (ELF)'],
    ['an SVG', bytes('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'), 'SVG'],
    ['an HTML page', bytes('  <!DOCTYPE html><p>'), 'HTML'],
    ['a script in markup', bytes('<div><script>x()</script>'), 'HTML'],
    ['plain text', bytes('just some words'), 'unknown'],
  ])('refuses %s, naming it', (_name, head, named) => {
    const sniffed = sniffKind(head);
    expect(sniffed.ok).toBe(false);
    if (!sniffed.ok) expect(sniffed.found.en).toContain(named);
  });

  it('tells Word from Excel in an old compound file by its stream names', () => {
    const head = bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    const directory = (name: string) => Buffer.concat([Buffer.alloc(512), Buffer.from(`${name}\u0000`, 'utf16le')]);
    expect(compoundStreamNames(directory('WordDocument'))).toEqual(['WordDocument']);
    expect(sniffKind(head, { compoundStreams: ['WordDocument'] })).toMatchObject({ kind: 'word' });
    expect(sniffKind(head, { compoundStreams: ['Workbook'] })).toMatchObject({ kind: 'excel' });
    expect(sniffKind(head, { compoundStreams: [] }).ok).toBe(false);
  });

  it('tells docx, xlsx and a plain zip apart by the [Content_Types].xml entry', async () => {
    const head = bytes([0x50, 0x4b, 0x03, 0x04]);
    const docx = zip({
      '[Content_Types].xml':
        '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      'word/document.xml': '<w:document/>',
    });
    const xlsx = zip({
      'xl/workbook.xml': '<workbook/>',
      '[Content_Types].xml':
        '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
    });
    const plain = zip({ 'readme.txt': 'hello' });
    expect(sniffKind(head, { zipContentTypes: await contentTypesOf(docx) })).toMatchObject({ kind: 'word' });
    expect(sniffKind(head, { zipContentTypes: await contentTypesOf(xlsx) })).toMatchObject({ kind: 'excel' });
    expect(await contentTypesOf(plain)).toBeNull();
    expect(sniffKind(head, { zipContentTypes: null })).toMatchObject({ kind: 'archive' });
    // a zip named .docx whose parts say nothing of Word is an archive
    expect(await contentTypesOf(Buffer.from('PK\u0003\u0004 not really a zip'))).toBeNull();
  });
});
