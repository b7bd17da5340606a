import type { LocalizedText } from '@taizhang/domain';
import { AppException } from '../common/errors/app-exception';

/** A refused upload: the file is not kept. */
const refused = (reason: string, text: LocalizedText, status = 400) => {
  const exception = new AppException('BAD_USER_INPUT', reason, text, [{ path: 'file', message: text }]);
  exception.httpStatus = status;
  return exception;
};

export const AttachmentsException = {
  missing: () =>
    refused('FILE_MISSING', {
      'zh-CN': '请选择要上传的文件（表单字段 file）',
      en: 'Choose a file to upload (form field "file")',
    }),
  notAFileField: (ledger: string, field: string) =>
    new AppException(
      'BAD_USER_INPUT',
      'ATTACHMENT_FIELD',
      {
        'zh-CN': `台账「${ledger}」没有名为「${field}」的附件字段`,
        en: `The ledger "${ledger}" has no attachment field "${field}"`,
      },
      [{ path: 'field', message: { 'zh-CN': '应为附件字段的键', en: "Must be an attachment field's key" } }],
    ),
  tooLarge: (limit: string) =>
    refused(
      'FILE_TOO_LARGE',
      { 'zh-CN': `文件超过 ${limit} 的上限`, en: `The file is larger than the ${limit} limit` },
      413,
    ),
  empty: () => refused('FILE_EMPTY', { 'zh-CN': '文件是空的', en: 'The file is empty' }),
  kindFound: (found: { zh: string; en: string }) =>
    refused(
      'FILE_KIND',
      {
        'zh-CN': `不接收此文件：内容是${found.zh}（按文件内容判断，与文件名无关）`,
        en: `File refused: its content is ${found.en} (judged by the content, not the name)`,
      },
      415,
    ),
  kindNotAllowed: (found: { zh: string; en: string }, allowed: { zh: string; en: string }) =>
    refused(
      'FILE_KIND_NOT_ALLOWED',
      {
        'zh-CN': `此字段只收${allowed.zh}，这个文件是${found.zh}`,
        en: `This field takes ${allowed.en}; this file is ${found.en}`,
      },
      415,
    ),
  brokenImage: () =>
    refused('FILE_IMAGE_BROKEN', {
      'zh-CN': '图片不完整或已损坏，无法打开',
      en: 'The image is incomplete or damaged and cannot be opened',
    }),
  malformed: () =>
    refused('FILE_UPLOAD', {
      'zh-CN': '上传的内容不是有效的文件表单（multipart/form-data，字段 file）',
      en: 'Not a valid file upload (multipart/form-data with a field "file")',
    }),
  uploadNotFound: () =>
    new AppException('NOT_FOUND', 'UPLOAD_NOT_FOUND', {
      'zh-CN': '分段上传不存在或已过期，请重新上传',
      en: 'No such upload in parts, or it expired: upload the file again',
    }),
  partsSize: () =>
    refused('UPLOAD_SIZE', {
      'zh-CN': '请用 size 参数给出文件的字节数（非负整数）',
      en: 'Give the file\'s size in bytes as the "size" parameter (a whole number)',
    }),
  partNumber: (parts: number) =>
    refused('UPLOAD_PART_NUMBER', {
      'zh-CN': `分段编号应为 0 到 ${parts - 1} 的整数`,
      en: `A part number is a whole number from 0 to ${parts - 1}`,
    }),
  partLength: (part: number, expected: number) =>
    refused('UPLOAD_PART_LENGTH', {
      'zh-CN': `第 ${part} 段应为 ${expected} 字节`,
      en: `Part ${part} must be ${expected} bytes long`,
    }),
  partsMissing: (missing: number[]) =>
    refused('UPLOAD_PARTS_MISSING', {
      'zh-CN': `还缺第 ${missing.slice(0, 20).join('、')} 段，无法完成上传`,
      en: `Missing parts: ${missing.slice(0, 20).join(', ')}; the upload cannot be finished`,
    }),
  notFound: () =>
    new AppException('NOT_FOUND', 'ATTACHMENT_NOT_FOUND', {
      'zh-CN': '文件不存在或无权查看',
      en: 'No such file, or not yours to see',
    }),
};
