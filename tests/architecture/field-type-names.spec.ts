import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIELD_TYPES } from '@taizhang/ledger-core';

/**
 * A field type is one file: the product asks the type (its spec) what it can do, and never lists
 * type names. This finds a field type's name used as one outside its own file, its tests and the
 * registry: compared with a field's type, a `case` of a switch, a list of type names, a field
 * literal's `type`, or a spec looked up by name. Words that are also other vocabularies (a value
 * kind 'date', a JSON Schema 'boolean', a TypeORM column 'text') are told apart by where they
 * stand, and the few places that are data say why below.
 */
const ROOT = path.resolve(__dirname, '../..');
const SOURCES = ['apps/api/src', 'apps/web/src', 'libs'];
const OWN_PLACE = /(^|\/)field-types\/|\.spec\.tsx?$|\/test\/|node_modules|\/dist\//;

/** Lines that name a type as data, each with its reason. */
const DATA: { file: string; line: RegExp; why: string }[] = [
  {
    file: 'apps/web/src/pages/ledger-designer-page.tsx',
    line: /fields: \[\{ key: 'name', title: '名称', type: 'text', required: true \}\]/,
    why: "a new ledger's starting definition is data, like a file in schemas/",
  },
  {
    file: 'libs/ledger-core/src/formula/formula-values.ts',
    line: /^\s*case '(text|boolean|date|datetime|time)':$/,
    why: "the switch is over a formula's value kinds, which share some words with type names",
  },
];

type Finding = { file: string; line: number; text: string; rule: string };

export function findTypeNames(file: string, source: string, names: readonly string[]): Finding[] {
  const name = `'(${names.join('|')})'`;
  const rules: [string, RegExp][] = [
    [
      'compared with a type',
      new RegExp(`\\btypes?\\b(\\[[^\\]]*\\])?\\s*[!=]==?\\s*${name}|${name}\\s*[!=]==?\\s*[\\w.]*\\btypes?\\b`),
    ],
    ['a case of a switch', new RegExp(`\\bcase ${name}:`)],
    ['a list of type names', new RegExp(`\\[\\s*${name}\\s*,\\s*${name}`)],
    ['a field literal of a type', new RegExp(`\\bkey: '[^']*',[^}]*\\btype: ${name}`)],
    [
      'a spec by name',
      new RegExp(`FIELD_TYPE_REGISTRY(\\.(${names.join('|')})\\b|\\[${name}\\])|fieldTypeOf\\(${name}\\)`),
    ],
  ];
  const findings: Finding[] = [];
  source.split('\n').forEach((text, i) => {
    for (const [rule, pattern] of rules) {
      if (!pattern.test(text)) continue;
      if (DATA.some((d) => d.file === file && d.line.test(text))) continue;
      findings.push({ file, line: i + 1, text: text.trim(), rule });
    }
  });
  return findings;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((entry) => {
    const relative = `${dir}/${entry}`;
    if (OWN_PLACE.test(relative)) return [];
    if (statSync(path.join(ROOT, relative)).isDirectory()) return sourceFiles(relative);
    return /\.tsx?$/.test(entry) ? [relative] : [];
  });
}

describe('field type names', () => {
  it('catches each way of naming a type (so that the check below can fail)', () => {
    const bad = [
      "if (field.type === 'choice') return;",
      "const numeric = type === 'integer' || type === 'decimal';",
      "return model.types[key] === 'datetime' ? a : b;",
      "    case 'percent':",
      "const fields = model.fields.filter((f) => ['choice', 'multichoice'].includes(f.type));",
      "const field = { key: 'x', title: 'X', type: 'phone' };",
      'const spec = FIELD_TYPE_REGISTRY.boolean;',
      "const spec = fieldTypeOf('time');",
    ].join('\n');
    expect(findTypeNames('probe.ts', bad, FIELD_TYPES).map((f) => f.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const fine = [
      "if (spec.valueKind === 'date') return;",
      "@Column({ type: 'text', nullable: true })",
      "required: { type: 'boolean' },",
      "validateRow(model, input, { input: 'text' });",
      "if (typeof value === 'boolean') return value;",
    ].join('\n');
    expect(findTypeNames('probe.ts', fine, FIELD_TYPES)).toEqual([]);
  });

  it('appear nowhere in the product outside the field-type files, their tests and the registry', () => {
    const files = SOURCES.flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(100);
    const findings = files.flatMap((file) =>
      findTypeNames(file, readFileSync(path.join(ROOT, file), 'utf8'), FIELD_TYPES),
    );
    expect(findings.map((f) => `${f.file}:${f.line} (${f.rule}) ${f.text}`)).toEqual([]);
  });
});
