import fc from 'fast-check';
import type { HttpRequest } from './answers';
import { hostileText } from './injection';

/**
 * Hostile requests to the file endpoints (docs/api.md, Files): exports of ledgers that are SQL,
 * in formats that are not, with filters, units and dates that are attacks; imports of random
 * bytes, of CSV full of attacks, with hostile mappings and modes. Import commits always carry a
 * row that is wrong, so that all-or-nothing saves none of them.
 */

export interface FileRequest {
  label: string;
  request: HttpRequest;
  /** file: 200 and a file with a header and no rows; refused: a clear error; imported: a JSON answer that saved nothing. */
  expect: 'file' | 'refused' | 'imported';
}

const WINDOW_CASE_HEADER = ['办件编号', '受理时间', '办理事项', '申请人', '办理状态'];

const withoutNul = (s: string) => s.replaceAll('\u0000', '');

/** Text that the filter parameter cannot take: not JSON, or JSON that is not an object (null means no filter). */
function notAFilterObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && (typeof value !== 'object' || Array.isArray(value));
  } catch {
    return true;
  }
}

function csvLine(cells: string[]): string {
  return cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(',');
}

function upload(path: string, token: string, bytes: Uint8Array | string, fileName = 'hostile.csv', field = 'file') {
  const form = new FormData();
  form.append(field, new Blob([typeof bytes === 'string' ? bytes : Uint8Array.from(bytes)]), fileName);
  return { path, headers: { authorization: `Bearer ${token}` }, body: form };
}

export function fileRequests(token: string, ledgers: Set<string>): Record<string, fc.Arbitrary<FileRequest>> {
  const get = (path: string) => ({ path, method: 'GET' as const, headers: { authorization: `Bearer ${token}` } });
  const q = encodeURIComponent;
  const notLedger = hostileText.filter((s) => !ledgers.has(s));
  const wrongRow = ['HX-BAD', '不是日期', '办事', '王五', '受理'];
  return {
    'export: hostile ledger, format or parameter': fc.oneof(
      fc.tuple(notLedger, fc.constantFrom('csv', 'xlsx')).map(([name, ext]) => ({
        label: `export ledger ${name}`,
        request: get(`/export/${q(name)}.${ext}`),
        expect: 'refused' as const,
      })),
      hostileText.map((ext) => ({
        label: `export format ${ext}`,
        request: get(`/export/window_case.${q(ext).replace(/^(csv|xlsx)$/, '$1x')}`),
        expect: 'refused' as const,
      })),
      hostileText.filter(notAFilterObject).map((text) => ({
        label: `export filter ${text}`,
        request: get(`/export/window_case.csv?filter=${q(text)}`),
        expect: 'refused' as const,
      })),
      hostileText.map((key) => ({
        label: `export filter key ${key}`,
        request: get(`/export/window_case.csv?filter=${q(JSON.stringify({ [`${key}\u200b`]: 1 }))}`),
        expect: 'refused' as const,
      })),
      fc
        .tuple(
          fc.constantFrom('unitId', 'from', 'to', 'period'),
          hostileText.filter((s) => !/^\d{1,10}$/.test(s) && !/^\d{4}-\d{2}-\d{2}$/.test(s)),
        )
        .map(([name, value]) => ({
          label: `export ${name}=${value}`,
          request: get(`/export/daily_followup.xlsx?${name}=${q(value)}`),
          expect: 'refused' as const,
        })),
    ),
    'export: attack as a filter value': fc
      .tuple(
        fc.constantFrom('csv', 'xlsx'),
        hostileText.filter((s) => !s.includes('\u0000')),
        hostileText,
      )
      .map(([ext, value, lang]) => ({
        label: `export applicant = ${value}, lang=${lang}`,
        request: get(`/export/window_case.${ext}?filter=${q(JSON.stringify({ applicant: value }))}&lang=${q(lang)}`),
        expect: 'file' as const,
      })),
    'import: hostile file or parameter': fc.oneof(
      fc.uint8Array({ maxLength: 2000 }).map((bytes) => ({
        label: `import ${bytes.length} random bytes`,
        request: upload('/import/window_case?mode=commit', token, bytes),
        expect: 'refused' as const,
      })),
      fc.tuple(notLedger, fc.uint8Array({ maxLength: 50 })).map(([name, bytes]) => ({
        label: `import into ${name}`,
        request: upload(`/import/${q(name)}?mode=commit`, token, bytes),
        expect: 'refused' as const,
      })),
      hostileText
        .filter((mode) => mode !== 'preview' && mode !== 'commit')
        .map((mode) => ({
          label: `import mode ${mode}`,
          request: upload(`/import/window_case?mode=${q(mode)}`, token, csvLine(WINDOW_CASE_HEADER)),
          expect: 'refused' as const,
        })),
      hostileText.map((target) => ({
        label: `import mapping to ${target}`,
        request: upload(
          `/import/window_case?mode=commit&mapping=${q(JSON.stringify({ A: `${target}\u200b` }))}`,
          token,
          csvLine(WINDOW_CASE_HEADER),
        ),
        expect: 'refused' as const,
      })),
      fc.constant({
        label: 'import without a file field',
        request: upload('/import/window_case?mode=commit', token, 'x', 'a.csv', 'attachment'),
        expect: 'refused' as const,
      }),
    ),
    'import: attacks in the cells': fc
      .tuple(
        fc.constantFrom('preview', 'commit'),
        // no NUL: a file with one is not text, and is refused as such before any row is read
        fc.array(fc.array(hostileText.map(withoutNul), { minLength: 5, maxLength: 5 }), {
          minLength: 1,
          maxLength: 20,
        }),
      )
      .map(([mode, rows]) => {
        const lines = [WINDOW_CASE_HEADER, ...rows, wrongRow].map(csvLine).join('\r\n');
        return {
          label: `import ${mode} of ${rows.length} hostile rows`,
          request: upload(`/import/window_case?mode=${mode}`, token, lines),
          expect: 'imported' as const,
        };
      }),
  };
}
