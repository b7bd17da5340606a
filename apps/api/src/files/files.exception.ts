import type { LocalizedText } from '@taizhang/domain';
import { AppException } from '../common/errors/app-exception';

/** A problem with an uploaded or requested file itself: nothing of it is read further or saved. */
const badFile = (reason: string, text: LocalizedText) =>
  new AppException('BAD_USER_INPUT', reason, text, [{ path: 'file', message: text }]);

export const FilesException = {
  unknownFormat: (name: string) =>
    new AppException(
      'BAD_USER_INPUT',
      'FILE_FORMAT',
      {
        'zh-CN': `不支持的导出格式「${name}」（可用 .xlsx、.csv）`,
        en: `Unsupported export format "${name}" (.xlsx or .csv)`,
      },
      [{ path: 'format', message: { 'zh-CN': '应为 .xlsx 或 .csv', en: 'Must be .xlsx or .csv' } }],
    ),
  missing: () =>
    badFile('FILE_MISSING', {
      'zh-CN': '请选择要导入的文件（表单字段 file）',
      en: 'Choose a file to import (form field "file")',
    }),
  tooLarge: (limitMb: number) =>
    badFile('FILE_TOO_LARGE', {
      'zh-CN': `文件超过 ${limitMb} MB，请拆分后分批导入`,
      en: `The file is larger than ${limitMb} MB; split it and import the parts`,
    }),
  wrongType: () =>
    badFile('FILE_TYPE', {
      'zh-CN': '无法识别的文件：请上传 Excel（.xlsx）或 CSV 文件',
      en: 'Unrecognised file: upload an Excel (.xlsx) or CSV file',
    }),
  encrypted: () =>
    badFile('FILE_ENCRYPTED', {
      'zh-CN': '文件设置了打开密码，无法读取：请在 Excel 中取消密码后另存再导入',
      en: 'The file is password-protected: remove the password in Excel, save and import again',
    }),
  legacyXls: () =>
    badFile('FILE_LEGACY_XLS', {
      'zh-CN': '这是旧版 Excel 97-2003（.xls）文件：请在 Excel 或 WPS 中另存为 .xlsx 后导入',
      en: 'This is an old Excel 97-2003 (.xls) file: save it as .xlsx in Excel or WPS and import that',
    }),
  unreadable: () =>
    badFile('FILE_UNREADABLE', {
      'zh-CN': '文件已损坏或不是有效的 Excel 文件，无法读取',
      en: 'The file is damaged or not a valid Excel file',
    }),
  empty: () => badFile('FILE_EMPTY', { 'zh-CN': '文件中没有任何数据', en: 'The file holds no data' }),
  noHeader: (expected: string) =>
    badFile('FILE_NO_HEADER', {
      'zh-CN': `在前 20 行中找不到表头：表头应包含本台账的字段名称（如 ${expected}）`,
      en: `No header row in the first 20 rows: it should name the ledger's fields (such as ${expected})`,
    }),
  mergedCells: (ranges: string[]) =>
    badFile('FILE_MERGED_CELLS', {
      'zh-CN': `表头或数据区有合并单元格（${ranges.join('、')}）：请取消合并并在每个单元格填入值后再导入`,
      en: `Merged cells in the header or data (${ranges.join(', ')}): unmerge them and fill every cell, then import`,
    }),
  tooManyRows: (max: number) =>
    badFile('FILE_TOO_MANY_ROWS', {
      'zh-CN': `一次最多导入 ${max} 行，请拆分文件`,
      en: `At most ${max} rows per import; split the file`,
    }),
  tooManyColumns: (max: number) =>
    badFile('FILE_TOO_MANY_COLUMNS', {
      'zh-CN': `表格超过 ${max} 列：请删除多余的列后再导入`,
      en: `The sheet has more than ${max} columns: delete the extra columns and import again`,
    }),
  tooManyCells: (max: number) =>
    badFile('FILE_TOO_MANY_CELLS', {
      'zh-CN': `表格超过 ${max / 10_000} 万个有内容的单元格，请拆分文件后分批导入`,
      en: `The sheet has more than ${max.toLocaleString('en')} cells with content; split the file and import the parts`,
    }),
  tooMuchText: (limitMb: number) =>
    badFile('FILE_TOO_MUCH_TEXT', {
      'zh-CN': `表格中的文字超过 ${limitMb} MB，请拆分文件后分批导入`,
      en: `The sheet holds more than ${limitMb} MB of text; split the file and import the parts`,
    }),
  unpackedTooLarge: (limitMb: number) =>
    badFile('FILE_UNPACKED_TOO_LARGE', {
      'zh-CN': `文件解压后超过 ${limitMb} MB（表格过大，或是恶意构造的压缩文件），请拆分文件后分批导入`,
      en: `The file unpacks to more than ${limitMb} MB (too large a sheet, or a zip bomb); split it and import the parts`,
    }),
  inflatesTooMuch: (ratio: number) =>
    badFile('FILE_UNPACKED_TOO_LARGE', {
      'zh-CN': `文件解压后异常膨胀（超过压缩大小的 ${ratio} 倍），疑似恶意构造的压缩文件，无法导入`,
      en: `The file unpacks to more than ${ratio} times its packed size: it looks like a zip bomb and is not imported`,
    }),
  /** Imports are read one at a time per user: the next waits for the previous one's answer. */
  importInProgress: () =>
    new AppException('RATE_LIMITED', 'IMPORT_IN_PROGRESS', {
      'zh-CN': '您的上一个导入仍在处理中，请等它完成后再试',
      en: 'Your previous import is still being processed; try again when it has finished',
    }),
  /** The server reads a few imports at once; more wait for their turn on the client's side. */
  importsBusy: () =>
    new AppException('RATE_LIMITED', 'IMPORTS_BUSY', {
      'zh-CN': '服务器正在处理其他导入，请稍后再试',
      en: 'The server is busy with other imports; please try again shortly',
    }),
  badMapping: (detail: LocalizedText) =>
    new AppException(
      'BAD_USER_INPUT',
      'INVALID_MAPPING',
      { 'zh-CN': `列对应关系有误：${detail['zh-CN']}`, en: `Invalid column mapping: ${detail.en}` },
      [{ path: 'mapping', message: detail }],
    ),
  badJson: (name: string) =>
    new AppException(
      'BAD_USER_INPUT',
      'INVALID_JSON',
      { 'zh-CN': `参数 ${name} 应为 JSON`, en: `${name} must be JSON` },
      [{ path: name, message: { 'zh-CN': '应为 JSON', en: 'Must be JSON' } }],
    ),
  badMode: (mode: string) =>
    new AppException(
      'BAD_USER_INPUT',
      'INVALID_MODE',
      {
        'zh-CN': `mode 应为 preview 或 commit，而不是「${mode}」`,
        en: `mode must be preview or commit, not "${mode}"`,
      },
      [{ path: 'mode', message: { 'zh-CN': '应为 preview 或 commit', en: 'Must be preview or commit' } }],
    ),
  zipOfXlsxOnly: () =>
    new AppException(
      'BAD_USER_INPUT',
      'FILE_FORMAT',
      {
        'zh-CN': '含附件的 zip 只能随 Excel（.xlsx）导出',
        en: 'The zip with the files comes with an Excel (.xlsx) export only',
      },
      [{ path: 'files', message: { 'zh-CN': '请导出 .xlsx', en: 'Export .xlsx' } }],
    ),
  badFilesOption: (value: string) =>
    new AppException(
      'BAD_USER_INPUT',
      'INVALID_FILES_OPTION',
      { 'zh-CN': `files 只能为 zip，而不是「${value}」`, en: `files may only be zip, not "${value}"` },
      [{ path: 'files', message: { 'zh-CN': '应为 zip', en: 'Must be zip' } }],
    ),
  badDate: (name: string) =>
    new AppException(
      'BAD_USER_INPUT',
      'INVALID_DATE_RANGE',
      { 'zh-CN': `${name} 应为日期（YYYY-MM-DD）`, en: `${name} must be a date (YYYY-MM-DD)` },
      [{ path: name, message: { 'zh-CN': '应为日期（YYYY-MM-DD）', en: 'Must be a date (YYYY-MM-DD)' } }],
    ),
};
