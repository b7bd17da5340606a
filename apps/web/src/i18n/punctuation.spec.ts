import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PUNCTUATION, bracketed } from './punctuation';

const WEB_SRC = path.resolve(__dirname, '..');
const FULL_WIDTH = /[，：（）；。、]/u;
/** Marks the code reads rather than writes: what a user may type (a pasted option list). */
const READ_NOT_WRITTEN = ['/[,，、\\n]+/'];

function componentFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'i18n' ? [] : componentFiles(full);
    return entry.name.endsWith('.tsx') ? [full] : [];
  });
}

/** The code without its comments (block, line and JSX comments): comments may be in Chinese. */
const withoutComments = (source: string) =>
  source
    .replace(/\{\/\*[\s\S]*?\*\/\}/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

describe('punctuation', () => {
  it('is written by no component: the marks come from the language (English shows none of 。，：（）)', () => {
    const offenders = componentFiles(WEB_SRC).flatMap((file) => {
      let code = withoutComments(readFileSync(file, 'utf8'));
      for (const allowed of READ_NOT_WRITTEN) code = code.replaceAll(allowed, '');
      return code
        .split('\n')
        .filter((line) => FULL_WIDTH.test(line))
        .map((line) => `${path.relative(WEB_SRC, file)}: ${line.trim()}`);
    });
    expect(offenders).toEqual([]);
  });

  it('brackets a note as each language does', () => {
    expect(bracketed(PUNCTUATION['zh-CN'], '草稿')).toBe('（草稿）');
    expect(`Kangcun${bracketed(PUNCTUATION.en, 'Draft')}`).toBe('Kangcun (Draft)');
  });
});
