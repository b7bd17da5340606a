import { describe, expect, it } from 'vitest';
import { compileFormula } from '../formula';
import type { FieldType } from './registry';
import { attachmentFieldType, fileProblems, sizeInBytes, type AttachmentField } from './attachment.field-type';
import type { AttachmentRef } from './field-type';

const field: AttachmentField = {
  key: 'photos_before',
  type: 'attachment',
  title: '整改前照片',
  kinds: ['image'],
  maxFiles: 2,
  maxFileSize: '1MB',
  maxTotalSize: '1.5MB',
};
const handle = (n: number) => `h${String(n).padStart(21, '0')}`;
const stored = (n: number, size: number, kind: AttachmentRef['kind'] = 'image'): AttachmentRef => ({
  handle: handle(n),
  name: `照片${n}.jpg`,
  size,
  kind,
  sha256: 'a'.repeat(64),
});

describe('the attachment field type', () => {
  it('takes a list of { handle }, each handle once, an empty list as no value', () => {
    const outcome = attachmentFieldType.normalize([{ handle: handle(1) }, { handle: handle(1) }, handle(2)], field);
    expect(outcome.ok && (outcome.value as AttachmentRef[]).map((r) => r.handle)).toEqual([handle(1), handle(2)]);
    expect(attachmentFieldType.normalize([], field)).toEqual({ ok: true, value: null });
  });

  it('refuses what is not a list of handles, in both languages', () => {
    for (const wrong of ['photo.jpg', [{ name: 'x.jpg' }], [{ handle: 'short' }], [[handle(1)]], 3]) {
      const outcome = attachmentFieldType.normalize(wrong, field);
      expect(outcome.ok, JSON.stringify(wrong)).toBe(false);
    }
  });

  it('refuses typed or pasted text with a reason, and reads a blank cell as no value', () => {
    const outcome = attachmentFieldType.parse('整改前.jpg', field);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.problem['zh-CN']).toContain('上传');
      expect(outcome.problem.en).toContain('upload');
    }
    expect(attachmentFieldType.parse(' ', field)).toEqual({ ok: true, value: null });
  });

  it('reads sizes as people write them', () => {
    expect(sizeInBytes('10MB')).toBe(10 * 1024 * 1024);
    expect(sizeInBytes('512 kb')).toBe(512 * 1024);
    expect(sizeInBytes(2048)).toBe(2048);
    expect(sizeInBytes('ten')).toBeNull();
    expect(attachmentFieldType.checkDefinition({ ...field, maxFileSize: '200MB' }).map((p) => p.path)).toEqual([
      'maxFileSize',
    ]);
    expect(attachmentFieldType.checkDefinition({ ...field, maxTotalSize: 'lots' }).map((p) => p.path)).toEqual([
      'maxTotalSize',
    ]);
  });

  it('checks count, each size, the total and the kinds of stored files, naming the file', () => {
    const limits = attachmentFieldType.files!(field);
    expect(limits).toEqual({
      kinds: ['image'],
      maxFiles: 2,
      maxFileSize: 1024 * 1024,
      maxTotalSize: 1.5 * 1024 * 1024,
    });
    expect(fileProblems([stored(1, 1000), stored(2, 1000)], limits)).toEqual([]);
    const en = (files: AttachmentRef[]) => fileProblems(files, limits).map((m) => m.en);
    expect(en([stored(1, 10), stored(2, 10), stored(3, 10)])).toEqual(['At most 2 files (has 3)']);
    expect(en([stored(1, 2 * 1024 * 1024)])).toEqual([
      '"照片1.jpg" is larger than the 1 MB limit',
      'The files come to 2 MB, more than the 1.5 MB limit',
    ]);
    expect(en([stored(1, 100, 'pdf')])).toEqual(['"照片1.jpg" is a PDF; this field takes image']);
    // what a client says of a file it sends by handle is not taken: only stored files are checked
    expect(en([{ ...stored(1, 5 * 1024 * 1024, 'pdf'), sha256: '' }])).toEqual([]);
  });

  it('defaults to images and PDF, 9 files of 20 MB, 100 MB in all', () => {
    expect(attachmentFieldType.files!({ key: 'f', type: 'attachment', title: 'f' })).toEqual({
      kinds: ['image', 'pdf'],
      maxFiles: 9,
      maxFileSize: 20 * 1024 * 1024,
      maxTotalSize: 100 * 1024 * 1024,
    });
  });

  it('is a jsonb array column, filtered only by empty, with the file input on a form', () => {
    expect(attachmentFieldType.sqlType).toBe('jsonb');
    expect(attachmentFieldType.checks(field, '"photos_before"')).toEqual([`jsonb_typeof("photos_before") = 'array'`]);
    expect(attachmentFieldType.filters).toEqual(['empty']);
    expect(attachmentFieldType.grid(field, 'zh-CN').editor).toBe('attachment');
    expect(attachmentFieldType.form(field, 'zh-CN')).toMatchObject({ input: 'files', capture: true });
    expect(attachmentFieldType.toDb!([stored(1, 10)])).toBe(JSON.stringify([stored(1, 10)]));
  });
});

describe('a formula over files', () => {
  it('counts them and finds one by name', () => {
    const types: Record<string, FieldType> = { photos: 'attachment' };
    const evaluateFormulaText = (source: string, values: Record<string, unknown>, t: Record<string, FieldType>) =>
      compileFormula(source).evaluate({ values, types: t });
    const values = { photos: [stored(1, 10), stored(2, 20)] };
    expect(evaluateFormulaText('count(photos)', values, types)).toBe(2);
    expect(evaluateFormulaText('count(photos)', { photos: null }, types)).toBe(0);
    expect(evaluateFormulaText('isblank(photos)', { photos: null }, types)).toBe(true);
    expect(evaluateFormulaText('contains(photos, "照片2.jpg")', values, types)).toBe(true);
  });
});
