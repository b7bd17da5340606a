/**
 * Names of folders and files inside an export's zip (docs/excel.md, "Export with the files"):
 * what Windows Explorer can unpack — none of `\ / : * ? " < > |` or control characters, no
 * trailing dot or space, none of the device names (CON, NUL, COM1 …) — cut by characters (never
 * inside a character: a Chinese name is not cut to bytes), and told apart within a folder
 * whatever their case, as Windows compares them.
 */

/** What Windows forbids in a name, and control characters (a newline in a row's text). */
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const FORBIDDEN = /[\\/:*?"<>|\u0000-\u001f\u007f]/g;
const DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;
/** The longest extension kept whole when a long file name is cut. */
const MAX_EXTENSION = 10;

/** The first `max` characters (code points: a character outside the BMP is never split). */
export function cutChars(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max).join('');
}

const tidy = (text: string) =>
  text
    .replace(/\s+/g, ' ')
    .replace(FORBIDDEN, '_')
    .trim()
    .replace(/[. ]+$/, '');

/** One folder or file name, safe for Windows, at most `max` characters; a file keeps its extension. */
export function safeName(text: string, max: number, { keepExtension = false } = {}): string {
  let name = tidy(text);
  if (Array.from(name).length > max) {
    const dot = name.lastIndexOf('.');
    const extension = keepExtension && dot > 0 && name.length - dot <= MAX_EXTENSION ? name.slice(dot) : '';
    const stem = extension ? name.slice(0, dot) : name;
    name = tidy(cutChars(stem, Math.max(1, max - Array.from(extension).length))) + extension;
  }
  if (name === '' || name.startsWith('.')) name = `_${name}`;
  return DEVICE.test(name) ? `_${name}` : name;
}

/** The names taken in one folder: a name given twice gets 「 (2)」, 「 (3)」… before its extension. */
export class FolderNames {
  private readonly taken = new Set<string>();

  take(name: string, { keepExtension = false } = {}): string {
    const dot = keepExtension ? name.lastIndexOf('.') : -1;
    const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    let candidate = name;
    for (let n = 2; this.taken.has(candidate.toLowerCase()); n += 1) candidate = `${stem} (${n})${extension}`;
    this.taken.add(candidate.toLowerCase());
    return candidate;
  }
}

/**
 * A path inside the zip as an xlsx hyperlink's target, relative to the workbook (which sits at
 * the zip's root): the characters that mean something in a URI — `%`, `#` (Excel reads what
 * follows it as a place in the document), a space — are escaped; others, Chinese included, stay as
 * they are, as Excel writes a link to a file beside the workbook.
 */
export function linkTarget(entryPath: string): string {
  return entryPath.replace(/[%# ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
