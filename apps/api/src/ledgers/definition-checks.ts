import type { DataSource, EntityManager } from 'typeorm';
import {
  derivedFieldProblemsAcross,
  isDerived,
  modelOf,
  reviewDefinition,
  specOf,
  validateRow,
  type DefinitionProblem,
  type LedgerDefinition,
  type ValidatedRow,
} from '@taizhang/ledger-core';

/**
 * A definition's checks beyond ledger-core's: what only the database knows (the ledgers it
 * references and follows up into, the units it names) and its seed rows, checked as rows. Run on
 * publish, in its transaction under the publish lock, and by `checkLedger` before it
 * (docs/designer.md "Every problem at once").
 */

/** Every problem of a definition at once, as `publishLedger` would find them, changing nothing. */
export async function checkLedgerDefinition(db: DataSource, input: unknown): Promise<DefinitionProblem[]> {
  const review = reviewDefinition(input);
  const { checked } = review;
  if (!checked) return review.problems;
  const found = await databaseProblems(db.manager, checked);
  const seeds = review.problems.length > 0 ? [] : seedProblems(seedRowsOf(checked));
  return [...review.problems, ...[...found, ...seeds].filter((problem) => !review.within(problem.path))];
}

/** A definition's seed rows checked (and their values computed) as rows of its ledger. */
export function seedRowsOf(definition: LedgerDefinition): (ValidatedRow & { unit: string })[] {
  const model = modelOf(definition);
  return (definition.seedRows ?? []).map((row) => ({
    unit: row.unit,
    ...validateRow(model, row.values, { input: 'json', applyDefaults: true }),
  }));
}

/** The seed rows' errors, each at its value. */
export const seedProblems = (seeds: ValidatedRow[]): DefinitionProblem[] =>
  seeds.flatMap((seed, i) =>
    seed.errors.map((error) => ({ path: `/seedRows/${i}/values/${error.field}`, message: error.message })),
  );

/** A ledger's current definition; undefined for a ledger not published yet. */
export async function currentDefinition(tx: EntityManager, key: string): Promise<LedgerDefinition | undefined> {
  const [row] = (await tx.query(
    `SELECT v.definition FROM ledgers l JOIN ledger_versions v ON v.ledger_key = l.key AND v.version = l.current_version WHERE l.key = $1`,
    [key],
  )) as { definition: LedgerDefinition }[];
  return row?.definition;
}

/** What only the database knows: referenced ledgers, follow-up ledgers' fields, and the units a definition names. */
export async function databaseProblems(tx: EntityManager, definition: LedgerDefinition): Promise<DefinitionProblem[]> {
  const problems: DefinitionProblem[] = [];
  for (const [i, field] of definition.fields.entries()) {
    const reference = specOf(field).target?.(field);
    if (!reference) continue;
    const target = reference.ledger === definition.key ? definition : await currentDefinition(tx, reference.ledger);
    if (!target) {
      problems.push({
        path: `/fields/${i}/ledger`,
        message: {
          'zh-CN': `引用的台账「${reference.ledger}」不存在`,
          en: `The referenced ledger "${reference.ledger}" does not exist`,
        },
      });
    } else if (reference.display && !target.fields.some((f) => f.key === reference.display)) {
      problems.push({
        path: `/fields/${i}/display`,
        message: {
          'zh-CN': `台账「${reference.ledger}」没有字段「${reference.display}」`,
          en: `The ledger "${reference.ledger}" has no field "${reference.display}"`,
        },
      });
    } else if (reference.display) {
      // what a reference shows, every reader of the row sees: never a value some may not see in full
      const shown = target.fields.find((f) => f.key === reference.display)!;
      if (specOf(shown).redact)
        problems.push({
          path: `/fields/${i}/display`,
          message: {
            'zh-CN': `引用不能显示部分隐藏的字段「${reference.display}」`,
            en: `A reference cannot show "${reference.display}", a field some readers may not see in full`,
          },
        });
    }
  }
  const derivedFrom = new Map<string, LedgerDefinition | undefined>();
  for (const field of definition.fields.filter(isDerived)) {
    const reference = field.lookup && definition.fields.find((f) => f.key === field.lookup!.reference);
    const key =
      field.rollup?.ledger ?? field.derive?.ledger ?? (reference && specOf(reference).target?.(reference)?.ledger);
    if (key && !derivedFrom.has(key))
      derivedFrom.set(key, key === definition.key ? definition : await currentDefinition(tx, key));
  }
  problems.push(...derivedFieldProblemsAcross(definition, (key) => derivedFrom.get(key)));
  for (const [i, followUp] of (definition.followUps ?? []).entries()) {
    // a follow-up's ledger may be published after this one (they can name each other); when it
    // is there, its fields must be
    const fields =
      followUp.ledger === definition.key ? definition.fields : (await currentDefinition(tx, followUp.ledger))?.fields;
    const named = [
      ...Object.keys(followUp.values).map((key) => [key, `/followUps/${i}/values/${key}`]),
      ...Object.keys(followUp.fromPublic?.values ?? {}).map((key) => [key, `/followUps/${i}/fromPublic/values/${key}`]),
    ];
    for (const [key, path] of named) {
      if (fields && !fields.some((f) => f.key === key)) {
        problems.push({
          path,
          message: {
            'zh-CN': `台账「${followUp.ledger}」没有字段「${key}」`,
            en: `The ledger "${followUp.ledger}" has no field "${key}"`,
          },
        });
      }
    }
  }
  // a seed row's unit may be missing (an install without the demo units): its rows are left out
  // on the first publish (insertSeedRows), the ledger is published all the same
  const codes = definition.fillers?.units ?? [];
  if (codes.length > 0) {
    const known = new Set(
      ((await tx.query('SELECT code FROM units WHERE code = ANY($1)', [codes])) as { code: string }[]).map(
        (u) => u.code,
      ),
    );
    definition.fillers?.units?.forEach((code, i) => {
      if (!known.has(code))
        problems.push({
          path: `/fillers/units/${i}`,
          message: { 'zh-CN': `单位代码「${code}」不存在`, en: `No unit has the code "${code}"` },
        });
    });
  }
  return problems;
}
