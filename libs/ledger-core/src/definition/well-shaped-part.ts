import { FIELD_TYPE_REGISTRY, type FieldDefinition, type FieldType } from '../field-types/registry';
import type { DefinitionProblem } from './meta-schema';
import type { LedgerDefinition } from './types';

/**
 * The part of an ill-shaped definition that can still be checked for meaning, so that a designer
 * sees every problem at once and not the shape's first, then the meaning's (docs/designer.md
 * "Every problem at once").
 *
 * Each list item with a shape problem (a field, a rule, a measure, …) is replaced by a plain
 * stand-in under the same key at the same index, so paths and references by key stay right; a
 * top-level property with a shape problem is left out (the required ones get a placeholder).
 * `replaced` are the paths whose own problems are the shape's: the meaning's problems under them
 * are not reported again.
 */
export interface WellShapedPart {
  definition: LedgerDefinition;
  replaced: string[];
}

const LISTS = ['fields', 'rules', 'measures', 'dimensions', 'followUps', 'seedRows'] as const;
type ListName = (typeof LISTS)[number];

const IDENTIFIER = /^[a-z][a-z0-9_]{0,39}$/;
const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A list item's key as written, when it is a usable identifier. */
const keyOf = (item: unknown, fallback: string) =>
  isObject(item) && typeof item.key === 'string' && IDENTIFIER.test(item.key) ? item.key : fallback;

/**
 * A field that stands in for an ill-shaped one: its key and, when registered and usable without
 * its own properties, its type (formulas that read it still see a number as a number); else text.
 */
function fieldStandIn(item: unknown, i: number): FieldDefinition {
  const key = keyOf(item, `field_${i}`);
  const written = isObject(item) ? item.type : undefined;
  if (typeof written === 'string' && Object.hasOwn(FIELD_TYPE_REGISTRY, written)) {
    const field = { key, title: key, type: written as FieldType } as FieldDefinition;
    try {
      if (FIELD_TYPE_REGISTRY[written as FieldType].checkDefinition(field as never).length === 0) return field;
    } catch {
      // a type that needs its own properties (a choice's options): text below
    }
  }
  return { key, title: key, type: 'text' } as FieldDefinition;
}

const STAND_INS: Record<ListName, (item: unknown, i: number) => unknown> = {
  fields: fieldStandIn,
  rules: (item, i) => ({ key: keyOf(item, `rule_${i}`), level: 'warning', check: '1 = 1', message: '—' }),
  measures: (item, i) => ({ key: keyOf(item, `measure_${i}`), title: '—', kind: 'count' }),
  dimensions: (item, i) => ({ key: keyOf(item, `dimension_${i}`), title: '—', kind: 'unit' }),
  followUps: (item, i) => ({ key: keyOf(item, `follow_up_${i}`), when: '1 = 0', ledger: 'none', values: {} }),
  seedRows: () => ({ values: {} }),
};

const PLACEHOLDERS: Record<string, unknown> = { key: 'ledger', title: '—', fields: [] };

/** The definition with its ill-shaped parts replaced; null when it is not even an object. */
export function wellShapedPart(input: unknown, shapeProblems: DefinitionProblem[]): WellShapedPart | null {
  if (!isObject(input)) return null;
  const definition: Record<string, unknown> = { ...input };
  const replaced = new Set<string>();
  for (const { path } of shapeProblems) {
    const [, top, index] = path.split('/');
    if (top === undefined || top === '') return null; // the root itself
    const list = definition[top];
    if ((LISTS as readonly string[]).includes(top) && Array.isArray(list) && /^\d+$/.test(index ?? '')) {
      const i = Number(index);
      if (i >= list.length) continue;
      if (!replaced.has(`/${top}/${i}`)) {
        const copy = list === input[top] ? [...list] : list;
        copy[i] = STAND_INS[top as ListName](list[i], i);
        definition[top] = copy;
        replaced.add(`/${top}/${i}`);
      }
      continue;
    }
    if (top in PLACEHOLDERS) definition[top] = PLACEHOLDERS[top];
    else delete definition[top];
    replaced.add(`/${top}`);
  }
  return { definition: definition as unknown as LedgerDefinition, replaced: [...replaced] };
}

/** Whether a problem's path lies in a part that was replaced (path `/fields/3/max` in `/fields/3`). */
export const withinReplaced = (path: string, replaced: readonly string[]) =>
  replaced.some((part) => path === part || path.startsWith(`${part}/`));
