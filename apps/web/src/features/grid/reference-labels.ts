import type { FieldDefinition, LedgerModel } from '@taizhang/ledger-core';
import type { ServerRow } from './grid-row';

/** The fields of a ledger that point at rows of another (their type has a `target`). */
export function referenceFields(model: LedgerModel): FieldDefinition[] {
  return model.fields.filter((field) => Boolean(model.spec(field).target?.(field)));
}

/**
 * What the rows a grid's references point at say (a window case's number), by field and id. A
 * cell keeps the id; it shows, copies and opens with this text. Learnt from the rows the server
 * sends (`Row.display`) and from what the clerk picks, so a cell shows the right text whatever
 * id it holds now (after a paste, an undo, a pick).
 */
export class ReferenceLabels {
  private readonly labels = new Map<string, string>();

  learn(field: string, id: unknown, label: string | null | undefined): void {
    if (typeof id === 'number' && label) this.labels.set(`${field}:${id}`, label);
  }

  /** Every reference's display text a row read or saved came with. */
  learnRow(row: ServerRow): void {
    for (const [field, label] of Object.entries(row.display ?? {})) this.learn(field, row.values[field], label);
  }

  /** What the row a reference holds says, if known (else the cell shows the type's own `#id`). */
  label(field: string, value: unknown): string | null {
    return typeof value === 'number' ? (this.labels.get(`${field}:${value}`) ?? null) : null;
  }
}
