/**
 * Parameters written into SQL text as quoted literals, for reads sent with the simple query
 * protocol (several statements in one message, which takes no parameters: row-scope.ts).
 *
 * Every value becomes a quoted literal of unknown type, exactly as node-postgres sends an
 * untyped parameter as text, so PostgreSQL resolves its type from the context the same way.
 * A string with NUL cannot be written as a literal (the message is NUL-terminated), so such
 * a statement is not inlined at all: `inlineParameters` answers null and the caller sends
 * it the usual way, with parameters.
 */
export function inlineParameters(sql: string, params: readonly unknown[]): string | null {
  const literals: string[] = [];
  for (const value of params) {
    const literal = literalOf(value);
    if (literal === null) return null;
    literals.push(literal);
  }
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const end = skipQuotedOrComment(sql, i);
    if (end > i) {
      out += sql.slice(i, end);
      i = end;
      continue;
    }
    const placeholder = /^\$(\d+)/.exec(sql.slice(i, i + 12));
    if (placeholder) {
      const index = Number(placeholder[1]) - 1;
      if (index < 0 || index >= literals.length) throw new Error(`no value for parameter $${placeholder[1]}`);
      out += literals[index];
      i += placeholder[0].length;
      continue;
    }
    out += sql[i];
    i += 1;
  }
  return out;
}

/** Where a quoted literal, quoted identifier or comment starting at `i` ends (or `i`). */
function skipQuotedOrComment(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'") {
    const escapes = /[eE]/.test(sql[i - 1] ?? '') && !/[\w$]/.test(sql[i - 2] ?? '');
    let j = i + 1;
    while (j < sql.length) {
      if (escapes && sql[j] === '\\') j += 2;
      else if (sql[j] === "'" && sql[j + 1] === "'") j += 2;
      else if (sql[j] === "'") return j + 1;
      else j += 1;
    }
    return sql.length;
  }
  if (c === '"') {
    const close = sql.indexOf('"', i + 1);
    return close < 0 ? sql.length : close + 1;
  }
  if (c === '-' && sql[i + 1] === '-') {
    const close = sql.indexOf('\n', i);
    return close < 0 ? sql.length : close;
  }
  if (c === '/' && sql[i + 1] === '*') {
    const close = sql.indexOf('*/', i + 2);
    return close < 0 ? sql.length : close + 2;
  }
  const dollarTag = c === '$' ? /^\$([A-Za-z_][\w]*)?\$/.exec(sql.slice(i, i + 64)) : null;
  if (dollarTag) {
    const close = sql.indexOf(dollarTag[0], i + dollarTag[0].length);
    return close < 0 ? sql.length : close + dollarTag[0].length;
  }
  return i;
}

function literalOf(value: unknown): string | null {
  if (value === null || value === undefined) return 'NULL';
  const text = textOf(value);
  return text.includes('\u0000') ? null : quote(text);
}

/** The text node-postgres would send for a parameter. */
function textOf(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return arrayText(value);
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function arrayText(values: readonly unknown[]): string {
  const items = values.map((v) =>
    v === null || v === undefined
      ? 'NULL'
      : Array.isArray(v)
        ? arrayText(v)
        : `"${textOf(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`,
  );
  return `{${items.join(',')}}`;
}

/** A standard string literal; with a backslash in it, an E'' literal with the backslashes doubled. */
function quote(text: string): string {
  const quoted = text.replace(/'/g, "''");
  return text.includes('\\') ? ` E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}
