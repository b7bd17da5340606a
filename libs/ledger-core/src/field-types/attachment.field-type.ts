import { message, type Message } from '../definition/message';
import type {
  AttachmentKind,
  AttachmentRef,
  FieldOf,
  FieldTypeSpec,
  FieldValue,
  FileLimits,
  Outcome,
} from './field-type';
import { fail, NOT_IN_STATISTICS, ok, plainCellText, textCells } from './field-type-kit';

/**
 * Files on a row: photos and documents as evidence (docs/attachments.md). The value is a list of
 * `{ handle, name, size, kind, sha256 }`; clients send at least `{ handle }` of an upload
 * (POST /attachments) and the API fills in the rest from what it stored. A file is uploaded, never
 * typed: typed or pasted text is refused with a reason.
 */
export type AttachmentField = FieldOf<
  'attachment',
  { kinds?: AttachmentKind[]; maxFiles?: number; maxFileSize?: string | number; maxTotalSize?: string | number }
>;

/** The kinds a definition may allow; SVG, HTML and executables are none of them, whatever it says. */
export const ATTACHMENT_KINDS: readonly AttachmentKind[] = ['image', 'pdf', 'word', 'excel', 'archive'];

const MB = 1024 * 1024;
const DEFAULT_KINDS: AttachmentKind[] = ['image', 'pdf'];
const DEFAULT_MAX_FILES = 9;
const DEFAULT_MAX_FILE_SIZE = 20 * MB;
/** No definition may allow a larger file than this. */
const MAX_FILE_SIZE = 100 * MB;
const DEFAULT_MAX_TOTAL_SIZE = 100 * MB;
/** The most files a definition may allow on one cell. */
const MAX_FILES = 50;

const SIZE = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?\s*$/i;
const UNIT: Record<string, number> = { B: 1, KB: 1024, MB, GB: 1024 * MB };

/** "10MB", "512 KB", 1048576 → bytes; null when it says no size. */
export function sizeInBytes(size: string | number | undefined): number | null {
  if (typeof size === 'number') return Number.isSafeInteger(size) && size > 0 ? size : null;
  if (typeof size !== 'string') return null;
  const match = SIZE.exec(size);
  if (!match) return null;
  const bytes = Math.round(Number(match[1]) * UNIT[(match[2] ?? 'B').toUpperCase()]);
  return bytes > 0 ? bytes : null;
}

/** Bytes as people read a limit: "10 MB", "512 KB". */
export function sizeText(bytes: number): string {
  if (bytes >= MB) return `${Number((bytes / MB).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} B`;
}

function limitsOf(field: AttachmentField): FileLimits {
  return {
    kinds: field.kinds && field.kinds.length > 0 ? field.kinds : DEFAULT_KINDS,
    maxFiles: field.maxFiles ?? DEFAULT_MAX_FILES,
    maxFileSize: Math.min(sizeInBytes(field.maxFileSize) ?? DEFAULT_MAX_FILE_SIZE, MAX_FILE_SIZE),
    maxTotalSize: sizeInBytes(field.maxTotalSize) ?? DEFAULT_MAX_TOTAL_SIZE,
  };
}

const KIND_NAMES: Record<AttachmentKind, { zh: string; en: string }> = {
  image: { zh: '图片', en: 'image' },
  pdf: { zh: 'PDF', en: 'PDF' },
  word: { zh: 'Word 文档', en: 'Word document' },
  excel: { zh: 'Excel 表格', en: 'Excel workbook' },
  archive: { zh: 'ZIP 压缩包', en: 'zip archive' },
};

export const kindName = (kind: AttachmentKind, locale: 'zh' | 'en'): string => KIND_NAMES[kind][locale];

/** A handle: 128 random bits in base64url (22 characters). */
const HANDLE = /^[A-Za-z0-9_-]{22}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * A list of `{ handle }` (the rest optional: the API replaces each entry with what it stored), each
 * handle once, in the order given. An empty list is no value.
 */
function normalizeFiles(input: unknown): Outcome {
  if (input === null) return ok(null);
  if (!Array.isArray(input))
    return fail('应为附件列表（先上传文件，再保存其 handle）', 'Must be a list of uploaded files ({ handle })');
  const refs: AttachmentRef[] = [];
  for (const item of input as unknown[]) {
    const handle = typeof item === 'string' ? item : (item as { handle?: unknown } | null)?.handle;
    if (typeof item !== 'string' && (typeof item !== 'object' || item === null || Array.isArray(item)))
      return fail('附件应为 { handle } 形式', 'Each file must be given as { handle }');
    if (typeof handle !== 'string' || !HANDLE.test(handle))
      return fail('附件的 handle 无效', 'Not a valid file handle');
    if (refs.some((r) => r.handle === handle)) continue;
    const given = (typeof item === 'string' ? {} : item) as Partial<AttachmentRef>;
    refs.push({
      handle,
      name: typeof given.name === 'string' ? given.name : '',
      size: typeof given.size === 'number' ? given.size : 0,
      kind: ATTACHMENT_KINDS.includes(given.kind as AttachmentKind) ? (given.kind as AttachmentKind) : 'image',
      sha256: typeof given.sha256 === 'string' && SHA256.test(given.sha256) ? given.sha256 : '',
    });
  }
  return ok(refs.length === 0 ? null : refs);
}

const filesOf = (value: FieldValue): AttachmentRef[] =>
  Array.isArray(value)
    ? (value as unknown[]).filter((v): v is AttachmentRef => typeof v === 'object' && v !== null)
    : [];

/** The field's limits on a list of stored files: count, each size, the total, the kinds (naming the file). */
export function fileProblems(files: readonly AttachmentRef[], limits: FileLimits): Message[] {
  const problems: Message[] = [];
  // what a client says of a file is not checked, only what the API stored (a stored file has its
  // sha256): the save checks the files again once it has looked up each handle
  const stored = files.filter((file) => file.sha256 !== '');
  if (stored.length > limits.maxFiles)
    problems.push(
      message(
        `最多 ${limits.maxFiles} 个文件（现有 ${stored.length} 个）`,
        `At most ${limits.maxFiles} files (has ${stored.length})`,
      ),
    );
  for (const file of stored) {
    if (!limits.kinds.includes(file.kind))
      problems.push(
        message(
          `「${file.name}」是${kindName(file.kind, 'zh')}，此处只收${limits.kinds.map((k) => kindName(k, 'zh')).join('、')}`,
          `"${file.name}" is a ${kindName(file.kind, 'en')}; this field takes ${limits.kinds.map((k) => kindName(k, 'en')).join(', ')}`,
        ),
      );
    if (file.size > limits.maxFileSize)
      problems.push(
        message(
          `「${file.name}」超过 ${sizeText(limits.maxFileSize)} 的上限`,
          `"${file.name}" is larger than the ${sizeText(limits.maxFileSize)} limit`,
        ),
      );
  }
  const total = stored.reduce((sum, file) => sum + file.size, 0);
  if (total > limits.maxTotalSize)
    problems.push(
      message(
        `文件合计 ${sizeText(total)}，超过 ${sizeText(limits.maxTotalSize)} 的上限`,
        `The files come to ${sizeText(total)}, more than the ${sizeText(limits.maxTotalSize)} limit`,
      ),
    );
  return problems;
}

const formatFiles = (value: FieldValue, _field: AttachmentField, locale: 'zh-CN' | 'en') =>
  filesOf(value)
    .map((file) => file.name || file.handle)
    .join(locale === 'en' ? ', ' : '、');

const sizeSchema = {
  oneOf: [
    { type: 'integer', minimum: 1 },
    { type: 'string', pattern: SIZE.source.replace('(?:', '(') },
  ],
};

export const attachmentFieldType: FieldTypeSpec<AttachmentField> = {
  type: 'attachment',
  title: { zh: '附件', en: 'Attachment' },
  describe: {
    zh: '上传文件的列表 [{ handle, name, size, kind, sha256 }]；jsonb 数组',
    en: 'a list of uploaded files [{ handle, name, size, kind, sha256 }]; a jsonb array',
  },
  options: {
    kinds: {
      schema: { type: 'array', items: { enum: [...ATTACHMENT_KINDS] }, uniqueItems: true, minItems: 1 },
      label: {
        zh: '允许的文件类型（image/pdf/word/excel/archive）',
        en: 'Kinds allowed (image/pdf/word/excel/archive)',
      },
      input: 'text',
    },
    maxFiles: {
      schema: { type: 'integer', minimum: 1, maximum: MAX_FILES },
      label: { zh: '最多文件数', en: 'Most files' },
      input: 'wholeNumber',
    },
    maxFileSize: {
      schema: sizeSchema,
      label: { zh: '单个文件上限（如 10MB，最大 100MB）', en: 'Largest file (e.g. 10MB, at most 100MB)' },
      input: 'text',
    },
    maxTotalSize: {
      schema: sizeSchema,
      label: { zh: '文件合计上限（如 40MB）', en: 'All files together at most (e.g. 40MB)' },
      input: 'text',
    },
  },
  sqlType: 'jsonb',
  valueKind: 'files',
  filters: ['empty'],
  statistics: NOT_IN_STATISTICS,
  canBeUnique: false,
  checkDefinition: (field) => {
    const problems = [];
    for (const key of ['maxFileSize', 'maxTotalSize'] as const) {
      if (field[key] !== undefined && sizeInBytes(field[key]) === null)
        problems.push({ path: key, message: message('应为大小，如 10MB', 'Must be a size such as 10MB') });
    }
    if (sizeInBytes(field.maxFileSize) !== null && sizeInBytes(field.maxFileSize)! > MAX_FILE_SIZE)
      problems.push({
        path: 'maxFileSize',
        message: message('单个文件上限最大为 100MB', 'A file may be at most 100MB'),
      });
    for (const kind of field.kinds ?? []) {
      if (!ATTACHMENT_KINDS.includes(kind))
        problems.push({
          path: 'kinds',
          message: message(`「${kind}」不是可用的文件类型`, `"${kind}" is not a kind of file`),
        });
    }
    return problems;
  },
  normalize: normalizeFiles,
  parse: (text) =>
    text.trim() === ''
      ? ok(null)
      : fail('附件须上传文件，不能输入或粘贴文字', 'An attachment is a file to upload, not text to type or paste'),
  validate: (value, field) => fileProblems(filesOf(value), limitsOf(field)),
  format: formatFiles,
  files: limitsOf,
  toDb: (value) => (value === null ? null : JSON.stringify(value)),
  checks: (_field, column) => [`jsonb_typeof(${column}) = 'array'`],
  // no other type's value is a file: a column retyped into attachments starts empty
  convertSql: (column, from) => (from.sqlType === 'jsonb' ? column : `(SELECT NULL::jsonb WHERE ${column} IS NULL)`),
  textSql: (column) => `(SELECT string_agg(f->>'name', ',') FROM jsonb_array_elements(${column}) AS f)`,
  fromDb: (raw) => (Array.isArray(raw) && raw.length > 0 ? (raw as AttachmentRef[]) : null),
  grid: (field) => ({ editor: 'attachment', align: 'left', width: field.width ?? 180 }),
  form: (field) => {
    const limits = limitsOf(field);
    return {
      input: 'files',
      kinds: limits.kinds,
      maxFiles: limits.maxFiles,
      maxFileSize: limits.maxFileSize,
      // a phone offers its camera for a field of images only
      capture: limits.kinds.length === 1 && limits.kinds[0] === 'image',
    };
  },
  spreadsheet: (field) => ({
    ...textCells(formatFiles, field),
    links: (value) =>
      filesOf(value).map((file) => ({
        text: file.name || file.handle,
        path: `/attachments/${encodeURIComponent(file.handle)}`,
        sha256: file.sha256,
      })),
  }),
  cellText: plainCellText,
  // test data holds no files: a file exists only once uploaded
  fake: () => null,
};
