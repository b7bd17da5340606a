import { SYSTEM_COLUMNS } from '../compile/sql-names';
import { FIELD_TYPE_REGISTRY, FIELD_TYPES } from '../field-types/registry';
import { DERIVED_FIELD_SCHEMAS } from './derived-fields';

/** The JSON Schema of what every field says (the common properties of `FieldBase`), before the type's options… */
const LEADING_PROPERTIES: Record<string, unknown> = {
  id: { $ref: '#/$defs/identifier', description: 'Stable identity; keep it and change key to rename.' },
  key: { $ref: '#/$defs/identifier', not: { enum: [...SYSTEM_COLUMNS] } },
  title: { $ref: '#/$defs/text' },
  type: { enum: FIELD_TYPES },
  description: { $ref: '#/$defs/text' },
  help: { $ref: '#/$defs/text' },
  required: { type: 'boolean' },
};

/** …and after them. */
const TRAILING_PROPERTIES: Record<string, unknown> = {
  default: {},
  unique: { type: 'boolean' },
  index: { type: 'boolean', description: 'Commonly sorted or filtered by: indexed as (unit_id, column, id).' },
  formula: { $ref: '#/$defs/formula' },
  readOnly: { type: 'boolean' },
  ...DERIVED_FIELD_SCHEMAS,
  width: { type: 'integer', minimum: 30, maximum: 1000 },
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The meta-schema of a field (`$defs.field` of schemas/ledger.schema.json), made from the
 * registry: the type names, and each type's options with their schemas. An option more than one
 * type takes with different shapes (min: a number for numbers, a string for dates) is checked
 * by type, in `allOf`. Whether an option belongs to the field's type is checkDefinition's to
 * say, in words.
 */
export function fieldMetaSchema(): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  const byType: Record<string, unknown>[] = [];
  for (const type of FIELD_TYPES) {
    const spec = FIELD_TYPE_REGISTRY[type];
    const own = Object.entries(spec.options as Record<string, { schema: Record<string, unknown> }>);
    for (const [name, option] of own) {
      options[name] = !(name in options) || same(options[name], option.schema) ? option.schema : {};
    }
    if (own.length > 0) {
      byType.push({
        if: { properties: { type: { const: type } }, required: ['type'] },
        then: { properties: Object.fromEntries(own.map(([name, option]) => [name, option.schema])) },
      });
    }
  }
  return {
    type: 'object',
    required: ['key', 'title', 'type'],
    additionalProperties: false,
    properties: { ...LEADING_PROPERTIES, ...options, ...TRAILING_PROPERTIES },
    allOf: byType,
  };
}
