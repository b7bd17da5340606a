import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compileFormula,
  FIELD_TYPES,
  fieldTypeOf,
  formulaToSql,
  quoteIdent,
  type FieldDefinition,
  type FieldType,
  type FieldValue,
} from '@taizhang/ledger-core';
import { createTestDatabase, type TestDatabase } from '@taizhang/testing';

/**
 * Every registered field type on a real PostgreSQL: its column type and CHECKs hold its values,
 * what node-postgres reads back is the value (`fromDb`), and formulas over the column give in SQL
 * what the evaluator gives (the pattern of formula-sql.int-spec.ts). A new type is covered by
 * being registered.
 */
function sampleField(type: FieldType): FieldDefinition {
  const field: Record<string, unknown> = { key: 'v', title: type, type };
  if (fieldTypeOf(type).options && 'options' in fieldTypeOf(type).options)
    field.options = [{ value: 'A' }, { value: 'B' }, { value: 'C' }];
  if (fieldTypeOf(type).target) field.ledger = 'probe_target';
  return field as unknown as FieldDefinition;
}

/** Formulas any type's column answers, and more by what a formula reads it as. */
function formulasFor(type: FieldType, values: FieldValue[]): string[] {
  const base = ['isblank(v)', 'coalesce(v, v) = v', 'v = v'];
  switch (fieldTypeOf(type).valueKind) {
    case 'number':
      return [...base, `v > ${Number(values[3])}`, 'v * 2 - 1 > 3', 'round(v / 3, 1) = 1'];
    case 'text':
      return [...base, 'len(v) > 5', `contains(v, "1")`, `v = "${String(values[2])}"`];
    case 'date':
      return [...base, `v > "${String(values[3])}"`, 'days(v, today()) > 700'];
    case 'datetime':
      return [...base, `hours(v, now()) > 17000`];
    case 'list':
      return [...base, 'contains(v, "B")', 'count(v) = 2'];
    case 'boolean':
      return [...base, 'not v', 'v or false'];
    default:
      return base;
  }
}

// what the API tells node-postgres: a date stays its text (no time zone shifts it)
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 1082 ? (value: string) => value : pg.types.getTypeParser(oid, format),
};

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

describe.each(FIELD_TYPES)('the %s type in PostgreSQL', (type) => {
  const spec = fieldTypeOf(type);
  const field = sampleField(type);
  const table = quoteIdent(`probe_${type}`);
  const values = [...Array.from({ length: 8 }, (_, i) => spec.fake(field, i)), null];

  it('stores its values under its CHECKs and reads them back as they were', async () => {
    const checks = spec.checks(field, '"v"').map((check) => `CHECK (${check})`);
    await db.query(`CREATE TABLE ${table} (id int, v ${spec.sqlType} ${checks.join(' ')})`);
    for (const [i, value] of values.entries()) {
      await db.query(`INSERT INTO ${table} VALUES ($1, $2)`, [i, value]);
    }
    const rows = await db.withClient((client) =>
      client.query<{ v: unknown }>({ text: `SELECT v FROM ${table} ORDER BY id`, types }),
    );
    expect(rows.rows.map((r) => spec.fromDb(r.v))).toEqual(values);
  });

  it('agrees with the evaluator on formulas over it', async () => {
    const now = new Date('2026-12-05T02:00:00Z');
    const fieldTypes = { v: type };
    for (const source of formulasFor(type, values)) {
      const params: unknown[] = [];
      const sql = formulaToSql(source, { alias: 't', types: fieldTypes, params, now });
      const rows = await db.withClient((client) =>
        client.query<{ v: unknown }>({
          text: `SELECT (${sql}) AS v FROM ${table} t ORDER BY t.id`,
          values: params,
          types,
        }),
      );
      const formula = compileFormula(source);
      const expected = values.map((value) => formula.evaluate({ values: { v: value }, types: fieldTypes, now }));
      const got = rows.rows.map((r) => (typeof r.v === 'string' && /^-?\d+(\.\d+)?$/.test(r.v) ? Number(r.v) : r.v));
      expect(got, source).toEqual(expected);
    }
  });
});
