import {
  fileProblems,
  message,
  textOf,
  type AttachmentRef,
  type FieldDefinition,
  type LedgerModel,
} from '@taizhang/ledger-core';
import type { RowTransaction } from '../ledger-tables/row-scope';
import { reject, type Planned, type RowOutcome, type RowProblemText } from '../ledger-tables/row-write';

/**
 * Attachments in the one write path (docs/attachments.md, "Save"): the handles a row is saved with
 * become the files stored for them, checked against the field; the rows that hold a handle, or held
 * it, are kept in attachment_links, so that a file is served wherever its row or its history is read.
 */

/** The fields of a ledger that hold files. */
function fileFields(model: LedgerModel): FieldDefinition[] {
  return model.fields.filter((field) => model.spec(field).files !== undefined);
}

interface StoredUpload extends AttachmentRef {
  ledger_key: string;
  field_key: string;
  unit_id: number | null;
  by_admin: boolean;
}

/** Two lists of the same files in the same order (jsonb keeps an object's keys in an order of its own). */
function sameFiles(a: unknown, b: unknown): boolean {
  const files = (value: unknown) => (Array.isArray(value) ? (value as AttachmentRef[]) : []);
  const [x, y] = [files(a), files(b)];
  return (
    x.length === y.length &&
    x.every(
      (file, i) =>
        file.handle === y[i].handle &&
        file.name === y[i].name &&
        Number(file.size) === Number(y[i].size) &&
        file.kind === y[i].kind &&
        file.sha256 === y[i].sha256,
    )
  );
}

const handlesIn = (value: unknown): string[] =>
  Array.isArray(value) ? value.map((ref) => String((ref as { handle?: unknown })?.handle)) : [];

/**
 * Each handle of the planned rows replaced by its stored file (name, size, kind, sha256): it must
 * exist, be an upload for this ledger and field, and be the row's unit's (or an admin's); then the
 * field's count, sizes and kinds are checked on what was stored. A row that fails is refused, its
 * errors naming the row, the field and the file. A handle the row holds already stays as it is.
 */
export async function resolveAttachments(
  tx: RowTransaction,
  model: LedgerModel,
  unitId: number,
  planned: Planned[],
  outcomes: Map<number, RowOutcome>,
): Promise<void> {
  const fields = fileFields(model);
  if (fields.length === 0) return;
  const wanted = new Set<string>();
  for (const p of planned)
    if (p.op !== 'DELETE') for (const field of fields) for (const h of handlesIn(p.values[field.key])) wanted.add(h);
  if (wanted.size === 0) return;
  const found = new Map(
    (
      await tx.query<StoredUpload>(
        `SELECT handle, name, size::float8 AS size, kind, sha256, ledger_key, field_key, unit_id, by_admin
           FROM attachments WHERE handle = ANY($1::text[])`,
        [[...wanted]],
      )
    ).map((upload) => [upload.handle, upload]),
  );
  for (const p of planned) {
    if (p.op === 'DELETE' || outcomes.has(p.index)) continue;
    const errors: RowProblemText[] = [];
    const row = p.id ? `行 #${p.id}` : `第 ${p.index + 1} 行`;
    const rowEn = p.id ? `Row #${p.id}` : `Row ${p.index + 1}`;
    for (const field of fields) {
      const given = p.values[field.key];
      if (!Array.isArray(given)) continue;
      const held = new Map(
        (Array.isArray(p.old?.values[field.key]) ? (p.old!.values[field.key] as AttachmentRef[]) : []).map((ref) => [
          ref.handle,
          ref,
        ]),
      );
      const title = textOf(field.title);
      const titleEn = textOf(field.title, 'en');
      const refs: AttachmentRef[] = [];
      for (const handle of handlesIn(given)) {
        const upload = found.get(handle);
        const fits =
          upload &&
          upload.ledger_key === model.definition.key &&
          upload.field_key === field.key &&
          (upload.unit_id === unitId || upload.by_admin);
        if (upload && fits) {
          refs.push({ handle, name: upload.name, size: Number(upload.size), kind: upload.kind, sha256: upload.sha256 });
        } else if (held.has(handle)) {
          refs.push(held.get(handle)!);
        } else {
          const name = upload?.name ?? handle;
          errors.push({
            path: field.key,
            message: message(
              `${row}「${title}」：文件「${name}」不存在，或不是为本台账本字段、本单位上传的`,
              `${rowEn}, ${titleEn}: the file "${name}" does not exist or was not uploaded for this field of this unit`,
            ),
          });
        }
      }
      for (const problem of fileProblems(refs, model.spec(field).files!(field)))
        errors.push({
          path: field.key,
          message: message(`${row}「${title}」：${problem['zh-CN']}`, `${rowEn}, ${titleEn}: ${problem.en}`),
        });
      p.values[field.key] = refs.length === 0 ? null : refs;
    }
    if (errors.length > 0) {
      outcomes.set(p.index, reject(p.index, errors));
      continue;
    }
    // a file list given again as handles only is no change
    if (p.old && p.changed) {
      const keys = new Set(fields.map((f) => f.key));
      p.changed = p.changed.filter((key) => !keys.has(key) || !sameFiles(p.old!.values[key], p.values[key]));
    }
  }
}

interface Link {
  handle: string;
  row_id: number;
  field_key: string;
  current: boolean;
}

/** What a row holds now (current) and what its change dropped (kept for its history, not current). */
function linksOf(
  fields: FieldDefinition[],
  rowId: number,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): Link[] {
  const links: Link[] = [];
  for (const field of fields) {
    const now = new Set(handlesIn(after?.[field.key]));
    const then = handlesIn(before?.[field.key]);
    if (JSON.stringify([...now]) === JSON.stringify(then)) continue;
    for (const handle of now) links.push({ handle, row_id: rowId, field_key: field.key, current: true });
    for (const handle of then)
      if (!now.has(handle)) links.push({ handle, row_id: rowId, field_key: field.key, current: false });
  }
  return links;
}

async function writeLinks(tx: RowTransaction, model: LedgerModel, unitId: number, links: Link[]): Promise<void> {
  if (links.length === 0) return;
  await tx.query(
    `WITH given AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS l(handle text, row_id bigint, field_key text, current boolean)),
          linked AS (
            INSERT INTO attachment_links AS a (handle, ledger_key, unit_id, row_id, field_key, current)
            SELECT handle, $2, $3, row_id, field_key, current FROM given
            ON CONFLICT (handle, ledger_key, row_id, field_key) DO UPDATE SET current = EXCLUDED.current, changed_at = now()
          )
     UPDATE attachments SET linked_at = now()
      WHERE handle IN (SELECT handle FROM given WHERE current) AND linked_at IS NULL`,
    [JSON.stringify(links), model.definition.key, unitId],
  );
}

/** After the batch's rows are written: the links of each saved row's files. */
export async function linkAttachments(
  tx: RowTransaction,
  model: LedgerModel,
  unitId: number,
  writes: Planned[],
  outcomes: Map<number, RowOutcome>,
): Promise<void> {
  const fields = fileFields(model);
  if (fields.length === 0) return;
  const links: Link[] = [];
  for (const p of writes) {
    const outcome = outcomes.get(p.index);
    if (outcome?.status !== 'SAVED') continue;
    const rowId = p.id ?? Number(outcome.row!.id);
    links.push(...linksOf(fields, rowId, p.old?.values ?? null, p.op === 'DELETE' ? null : p.values));
  }
  await writeLinks(tx, model, unitId, links);
}

/** A restored row holds its files again. */
export async function relinkAttachments(
  tx: RowTransaction,
  model: LedgerModel,
  unitId: number,
  rowId: number,
  values: Record<string, unknown>,
): Promise<void> {
  const fields = fileFields(model);
  if (fields.length === 0) return;
  await writeLinks(tx, model, unitId, linksOf(fields, rowId, null, values));
}
