import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIELD_TYPE_REGISTRY, FIELD_TYPES } from '../field-types/registry';
import { textOf } from './text';
import { fieldMetaSchema } from './field-schema';

const root = path.resolve(__dirname, '../../../..');
const META_SCHEMA_FILE = path.join(root, 'schemas/ledger.schema.json');

describe('the field meta-schema comes from the registry', () => {
  it('schemas/ledger.schema.json says what the registry says (UPDATE_META_SCHEMA=1 rewrites it)', () => {
    const file = JSON.parse(readFileSync(META_SCHEMA_FILE, 'utf8')) as { $defs: Record<string, unknown> };
    const generated = fieldMetaSchema();
    if (process.env.UPDATE_META_SCHEMA === '1') {
      file.$defs.field = generated;
      writeFileSync(META_SCHEMA_FILE, `${JSON.stringify(file, null, 2)}\n`);
    }
    expect(file.$defs.field, 'run UPDATE_META_SCHEMA=1 npx vitest run field-schema to regenerate').toEqual(generated);
  });

  it('names every registered type, and each type’s options with their schemas', () => {
    const schema = fieldMetaSchema() as {
      properties: Record<string, unknown> & { type: { enum: string[] } };
      allOf: { if: { properties: { type: { const: string } } }; then: { properties: Record<string, unknown> } }[];
    };
    expect(schema.properties.type.enum).toEqual(FIELD_TYPES);
    for (const type of FIELD_TYPES) {
      const options = FIELD_TYPE_REGISTRY[type].options as Record<string, { schema: unknown }>;
      const branch = schema.allOf.find((b) => b.if.properties.type.const === type);
      if (Object.keys(options).length === 0) expect(branch).toBeUndefined();
      else
        expect(branch?.then.properties).toEqual(
          Object.fromEntries(Object.entries(options).map(([name, o]) => [name, o.schema])),
        );
    }
  });
});

describe('docs/ledger-language.md', () => {
  const doc = readFileSync(path.join(root, 'docs/ledger-language.md'), 'utf8');
  it.each(FIELD_TYPES)('lists the type %s with its column type and options', (type) => {
    const spec = FIELD_TYPE_REGISTRY[type];
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${type}\` |`));
    expect(row, `a row "| \`${type}\` | …" in the types table`).toBeDefined();
    expect(row).toContain(`\`${spec.sqlType}\``);
    expect(row).toContain(textOf(spec.title, 'zh-CN'));
    for (const option of Object.keys(spec.options)) expect(row).toContain(`\`${option}\``);
  });
});
