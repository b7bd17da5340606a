import { findNodeAtLocation, parseTree, printParseErrorCode, type ParseError, parse } from 'jsonc-parser';
import {
  checkDefinition,
  compileLedger,
  LEDGER_META_SCHEMA,
  diffTable,
  renamesOf,
  textOf,
  type FieldDefinition,
  type LedgerDefinition,
  type Locale,
} from '@taizhang/ledger-core';

/** A problem of the edited text, at its line (1-based) when it can be placed. */
export interface TextProblem {
  line: number | null;
  path: string;
  message: string;
}

export type TextCheck = { ok: true; definition: LedgerDefinition } | { ok: false; problems: TextProblem[] };

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i += 1) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

/** The line where a JSON pointer's value starts (its parent's, when the value is missing). */
export function lineOfPointer(text: string, pointer: string): number | null {
  const tree = parseTree(text);
  if (!tree) return null;
  const path = pointer
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  for (let length = path.length; length >= 0; length -= 1) {
    const node = findNodeAtLocation(tree, path.slice(0, length));
    if (node) return lineAt(text, node.parent?.type === 'property' ? node.parent.offset : node.offset);
  }
  return null;
}

/**
 * The designer's check of its JSON text: syntax first (with the line), then ledger-core's
 * checkDefinition — the same the API runs on publish — each problem placed at its line.
 */
export function checkDefinitionText(text: string, locale: Locale): TextCheck {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length > 0) {
    return {
      ok: false,
      problems: errors.map((e) => ({
        line: lineAt(text, e.offset),
        path: '',
        message:
          locale === 'en'
            ? `JSON: ${printParseErrorCode(e.error)}`
            : `JSON 格式错误（${printParseErrorCode(e.error)}）`,
      })),
    };
  }
  const checked = checkDefinition(value);
  if (!checked.ok) {
    return {
      ok: false,
      problems: checked.problems.map((p) => ({
        line: lineOfPointer(text, p.path),
        path: p.path,
        message: p.message[locale],
      })),
    };
  }
  return { ok: true, definition: value as LedgerDefinition };
}

/** What publishing would do to the ledger's table, in words: columns added, renamed, retyped, hidden. */
export function describeChanges(current: LedgerDefinition | null, next: LedgerDefinition, locale: Locale): string[] {
  const title = (definition: LedgerDefinition, id: string) => {
    const field = definition.fields.find((f: FieldDefinition) => (f.id ?? f.key) === id);
    return field ? textOf(field.title, locale) : id;
  };
  const en = locale === 'en';
  if (!current) return [en ? 'A new ledger and its table' : '新建台账及其数据表'];
  const { changes } = diffTable(compileLedger(current, 1), compileLedger(next, 2), 2);
  // one line per renamed field, said at its first change
  const renames = renamesOf(changes);
  return changes.flatMap((change) => {
    switch (change.kind) {
      case 'addColumn':
        return [`${en ? 'New column' : '新增列'}「${title(next, change.column.fieldId)}」`];
      case 'renameColumn': {
        const rename = renames.get(change.fieldId);
        if (!rename) return [];
        renames.delete(change.fieldId);
        return [`${en ? 'Renamed' : '重命名'}「${title(next, change.fieldId)}」${rename.from} → ${rename.to}`];
      }
      case 'retypeColumn':
        return [`${en ? 'Retyped' : '改类型'}「${title(next, change.fieldId)}」${change.from} → ${change.to}`];
      case 'hideColumn':
        return [`${en ? 'Hidden (data kept)' : '隐藏（数据保留）'}「${title(current, change.fieldId)}」`];
      case 'restoreColumn':
        return [`${en ? 'Restored' : '恢复'}「${title(next, change.fieldId)}」`];
      default:
        return [];
    }
  });
}

/** Keys in the order the meta-schema lists them (then any others), so the JSON reads like the files. */
function ordered(value: unknown, order: string[]): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  return Object.fromEntries(entries.sort(([a], [b]) => rank(a) - rank(b)));
}

/** A definition as the designer shows it: top-level and field keys in the meta-schema's order, zh before en. */
export function definitionText(definition: unknown): string {
  const schema = LEDGER_META_SCHEMA as unknown as {
    properties: Record<string, unknown>;
    $defs: { field: { properties: Record<string, unknown> } };
  };
  const top = Object.keys(schema.properties);
  const fieldOrder = Object.keys(schema.$defs.field.properties);
  const texts = ['zh', 'en', 'value', 'label'];
  const walk = (value: unknown, order: string[]): unknown => {
    if (Array.isArray(value)) return value.map((item) => walk(item, order === top ? [] : order));
    if (typeof value !== 'object' || value === null) return value;
    const sorted = ordered(value, order) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(sorted).map(([key, inner]) => [
        key,
        walk(inner, key === 'fields' ? fieldOrder : ['key', 'title', ...texts]),
      ]),
    );
  };
  return JSON.stringify(walk(definition, top), null, 2);
}
