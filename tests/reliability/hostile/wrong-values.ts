import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';

/**
 * Wrong values for every field of every seed ledger, read from schemas/*.json. A value is
 * "wrong" by the contract (docs/ledger-language.md): the JSON type the field's type takes,
 * its limits (min, max, maxLength, options), required, and text PostgreSQL can store.
 */

export interface SeedField {
  key: string;
  type: string;
  required?: boolean;
  formula?: string;
  readOnly?: boolean;
  /** Derived from other rows (a look-up, a roll-up): read-only like a formula. */
  lookup?: unknown;
  rollup?: unknown;
  min?: number;
  max?: number;
  maxLength?: number;
  options?: { value: string }[];
}

export interface SeedLedger {
  key: string;
  fields: SeedField[];
}

const SCHEMAS = path.resolve(__dirname, '../../../schemas');
export const SEED_LEDGERS = ['daily_followup', 'window_case', 'survey', 'rectification', 'task'];

export function readSeedLedger(key: string): SeedLedger {
  return JSON.parse(fs.readFileSync(path.join(SCHEMAS, `${key}.json`), 'utf8')) as SeedLedger;
}

/**
 * A valid row of each ledger and the clerk whose unit fills it (clerk11: 行政审批股, a bureau
 * section, the only kind that fills `task`). A wrong row is this row with one value made wrong,
 * so its rejection can only come from that value (the corpus also saves these rows once, after
 * its checksum, to prove they are valid).
 */
export const BASE_ROWS: Record<string, { clerk: string; values: Record<string, unknown> }> = {
  // its counts derive from the window cases: the clerk types the date and the QR count
  daily_followup: { clerk: 'clerk01', values: { report_date: '2023-03-01', qr_good_reviews: 1 } },
  window_case: {
    clerk: 'clerk01',
    values: {
      case_no: 'HX-0001',
      accepted_at: '2023-03-01T09:00:00+08:00',
      service_item: '营业执照办理',
      applicant: '张三',
      status: '受理',
    },
  },
  survey: { clerk: 'clerk01', values: { q1: 'A' } },
  rectification: {
    clerk: 'clerk01',
    values: {
      found_on: '2023-03-01',
      source: '回访',
      description: '回访不满意',
      owner: '李四',
      deadline: '2023-03-08',
      status: '待整改',
    },
  },
  // task_no is unique in a unit, and the ledger's seed rows take 1–8
  task: { clerk: 'clerk11', values: { task_no: 900, task: '优化营商环境' } },
};

/** One kind of wrong value: a fixed example (the full sweep) and an arbitrary (the random runs). */
export interface WrongKind {
  kind: string;
  example: unknown;
  arbitrary: fc.Arbitrary<unknown>;
}

const kind = (name: string, example: unknown, arbitrary: fc.Arbitrary<unknown> = fc.constant(example)): WrongKind => ({
  kind: name,
  example,
  arbitrary,
});

const somewhere = (insert: string) =>
  fc
    .tuple(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 12 }))
    .map(([a, b]) => `${a}${insert}${b}`);
/** A surrogate with no partner: JSON carries it ("\ud800"), UTF-8 and PostgreSQL cannot. */
const loneSurrogate = fc
  .tuple(
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.integer({ min: 0xd800, max: 0xdfff }),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
  )
  .map(([a, code, b]) => `${a}${String.fromCharCode(code)}${b}`);
const someNumber = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
const someArray = fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 });
const someObject = fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 });
const nonBlank = (s: string) => s.trim() !== '';
const tooLong = (max: number) =>
  fc.tuple(fc.integer({ min: max + 1, max: max + 500 }), fc.constantFrom('x', '长', '😀')).map(([n, c]) => c.repeat(n));

/** Kinds every field has: the JSON types no field type takes as they are. */
const containers = [kind('array', ['A'], someArray), kind('object', { nested: true }, someObject)];

function textKinds(field: SeedField, defaultMax: number): WrongKind[] {
  const max = field.maxLength ?? defaultMax;
  return [
    kind('number', 42, someNumber),
    kind('boolean', true, fc.boolean()),
    ...containers,
    kind(`longer than ${max}`, 'x'.repeat(max + 1), tooLong(max)),
    kind(
      'huge',
      '长'.repeat(200_000),
      fc.integer({ min: 100_000, max: 1_000_000 }).map((n) => 'y'.repeat(n)),
    ),
    kind('NUL', 'a\u0000b', somewhere('\u0000')),
    kind('lone surrogate', 'a\ud800b', loneSurrogate),
  ];
}

function optionKinds(field: SeedField): WrongKind[] {
  const values = (field.options ?? []).map((o) => o.value);
  const unknown = fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
    .filter((s) => nonBlank(s) && !values.includes(s.trim()));
  if (field.type === 'multichoice') {
    return [
      kind('not a list', values[0], fc.string({ minLength: 1 })),
      kind(
        'unknown option',
        ['不存在的选项'],
        unknown.map((s) => [s]),
      ),
      kind('number in the list', [1], fc.array(fc.integer(), { minLength: 1, maxLength: 3 })),
      kind('nested list', [[values[0]]], fc.constant([[values[0]]])),
      kind('object', { [values[0]]: true }, someObject),
      kind(
        'NUL in an option',
        [`${values[0]}\u0000`],
        somewhere('\u0000').map((s) => [s]),
      ),
    ];
  }
  return [
    kind('unknown option', '不存在的选项', unknown),
    kind('option in the wrong case', values[0].toLowerCase() === values[0] ? `${values[0]}X` : values[0].toLowerCase()),
    kind('number', 1, someNumber),
    kind('boolean', false, fc.boolean()),
    ...containers,
    kind('NUL', `${values[0]}\u0000`, somewhere('\u0000')),
    kind('lone surrogate', `${values[0]}\ud800`, loneSurrogate),
  ];
}

function numberKinds(field: SeedField): WrongKind[] {
  const integer = field.type === 'integer';
  const kinds = [
    kind('number as text', integer ? '12' : '0.5', fc.stringMatching(/^-?\d{1,6}(\.\d{1,3})?$/)),
    kind('boolean', true, fc.boolean()),
    ...containers,
    kind('too large', 1e300, fc.double({ min: 1e16, max: 1e300, noNaN: true })),
  ];
  if (integer) {
    kinds.push(
      kind(
        'fraction',
        1.5,
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).filter((x) => !Number.isInteger(x)),
      ),
      kind('beyond 2^53', 2 ** 53 + 2),
    );
  }
  if (typeof field.min === 'number') {
    const below = integer ? field.min - 1 : field.min - 0.01;
    kinds.push(
      kind(
        `below min ${field.min}`,
        below,
        fc.integer({ min: 1, max: 1_000_000 }).map((d) => field.min! - d),
      ),
    );
  }
  if (typeof field.max === 'number') {
    const above = integer ? field.max + 1 : field.max + 0.01;
    kinds.push(
      kind(
        `above max ${field.max}`,
        above,
        fc.integer({ min: 1, max: 1_000_000 }).map((d) => field.max! + d),
      ),
    );
  }
  return kinds;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATETIME = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

function temporalKinds(field: SeedField): WrongKind[] {
  const junk = fc
    .string({ maxLength: 30 })
    .filter((s) => nonBlank(s) && !ISO_DATETIME.test(s) && !ISO_DATE.test(s.trim()));
  if (field.type === 'date') {
    return [
      kind('not YYYY-MM-DD', '2023/03/01', fc.constantFrom('2023/03/01', '20230301', '2023年3月1日', '1.3.2023')),
      kind('no such day', '2023-02-29', fc.constantFrom('2023-02-29', '2023-13-01', '2023-04-31', '2023-00-10')),
      kind('out of range', '1899-12-31', fc.constantFrom('1899-12-31', '3000-01-01', '0000-01-01')),
      kind('with a time', '2023-03-01T00:00:00'),
      kind('SQL after it', "2023-03-01'; DROP TABLE units; --"),
      kind('text', 'yesterday', junk),
      kind('number', 20230301, someNumber),
      ...containers,
    ];
  }
  return [
    kind(
      'no such time',
      '2023-03-01T24:00',
      fc.constantFrom('2023-13-01T10:00:00+08:00', '2023-02-30T10:00', '2023-03-01T24:00', '2023-03-01T10:60'),
    ),
    kind('a date only', '2023-03-01'),
    kind(
      'no such offset',
      '2023-03-01T10:00:00+99:99',
      fc.constantFrom('2023-03-01T10:00:00+99:99', '2023-03-01T10:00:00+24:00'),
    ),
    kind('text', 'yesterday', junk),
    kind('epoch number', 1677636000000, someNumber),
    ...containers,
  ];
}

function otherKinds(field: SeedField): WrongKind[] {
  if (field.type === 'phone') {
    return [
      kind('letters', 'abc', fc.stringMatching(/^[a-zA-Z]{1,20}$/)),
      kind('too short', '123'),
      kind('number', 13800000000, someNumber),
      kind('too long', '1'.repeat(31)),
      kind('NUL', '1380000\u00000000'),
      ...containers,
    ];
  }
  if (field.type === 'reference') {
    return [
      kind(
        'text',
        'abc',
        fc.string({ maxLength: 20 }).filter((s) => !/^\d{1,15}$/.test(s.trim())),
      ),
      kind('zero or negative', 0, fc.integer({ min: -1_000_000, max: 0 })),
      kind('fraction', 1.5),
      kind('SQL', '1 OR 1=1'),
      kind('beyond 2^53', 2 ** 53 + 2),
      kind('boolean', true, fc.boolean()),
      ...containers,
    ];
  }
  if (field.type === 'attachment') {
    // a file is uploaded (POST /attachments), then named by its handle: anything else is refused
    const someHandle = fc.stringMatching(/^[A-Za-z0-9_-]{22}$/);
    return [
      kind('a file name as text', '整改前.jpg', fc.string({ maxLength: 30 })),
      kind('number', 42, someNumber),
      kind('boolean', true, fc.boolean()),
      kind('an object, not a list', { handle: 'AAAAAAAAAAAAAAAAAAAAAA' }, someObject),
      kind(
        'not a handle',
        [{ handle: '../../etc/passwd' }],
        fc
          .string({ maxLength: 40 })
          .filter((s) => !/^[A-Za-z0-9_-]{22}$/.test(s))
          .map((handle) => [{ handle }]),
      ),
      kind('junk in the list', [1], fc.constantFrom([1], [null], [[]], [true], [{}])),
      kind(
        'a handle nobody uploaded',
        [{ handle: 'AAAAAAAAAAAAAAAAAAAAAA' }],
        someHandle.map((handle) => [{ handle }]),
      ),
    ];
  }
  throw new Error(`no wrong values for a field of type ${field.type}: add them`);
}

/** The wrong kinds of one field; null for a required field, blank text too. */
export function wrongKinds(field: SeedField): WrongKind[] {
  const byType: Record<string, () => WrongKind[]> = {
    text: () => textKinds(field, 200),
    longtext: () => textKinds(field, 5000),
    choice: () => optionKinds(field),
    multichoice: () => optionKinds(field),
    integer: () => numberKinds(field),
    decimal: () => numberKinds(field),
    percent: () => numberKinds(field),
    date: () => temporalKinds(field),
    datetime: () => temporalKinds(field),
  };
  const kinds = (byType[field.type] ?? (() => otherKinds(field)))();
  if (field.required) {
    kinds.push(kind('null (required)', null), kind('blank (required)', '', fc.constantFrom('', ' ', '\t', '\u3000')));
  }
  return kinds;
}

/**
 * Fields a caller's value reaches: computed fields are recomputed whatever is sent and read-only
 * ones dropped (docs: rows), so a wrong value there is ignored by design, not refused.
 */
/** What a clerk types: not a formula, a read-only field, a look-up or a roll-up (the writer drops what is sent for those). */
export const writableFields = (ledger: SeedLedger) =>
  ledger.fields.filter((f) => !f.formula && !f.readOnly && !f.lookup && !f.rollup);
