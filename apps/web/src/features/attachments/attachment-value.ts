import {
  specOf,
  type AttachmentKind,
  type AttachmentRef,
  type FieldDefinition,
  type LedgerModel,
} from '@taizhang/ledger-core';

export type { AttachmentRef } from '@taizhang/ledger-core';

/*
 * An attachment field's value as the web app holds it: the contract's
 * `{ handle, name, size, kind, sha256 }` per file (ledger-core's AttachmentRef, docs/attachments.md).
 * The server fills name, size, kind and sha256 from what it stored, so a cell read from the API has
 * them all; the grid keeps what the upload answered, the same shape.
 */

/** The files of a cell's value; anything that is not a list of files (text typed, null) is none. */
export function attachmentsOf(value: unknown): AttachmentRef[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item): AttachmentRef[] => {
    if (!item || typeof item !== 'object') return [];
    const ref = item as Partial<AttachmentRef>;
    if (typeof ref.handle !== 'string' || !ref.handle) return [];
    return [
      {
        handle: ref.handle,
        name: typeof ref.name === 'string' ? ref.name : '',
        size: typeof ref.size === 'number' ? ref.size : Number(ref.size ?? 0) || 0,
        kind: (typeof ref.kind === 'string' ? ref.kind : '') as AttachmentKind,
        sha256: typeof ref.sha256 === 'string' ? ref.sha256 : '',
      },
    ];
  });
}

/** Whether a file is shown as a picture (its thumbnail, the preview overlay). */
export const isImage = (ref: Pick<AttachmentRef, 'kind'>) => ref.kind === 'image';
export const isPdf = (ref: Pick<AttachmentRef, 'kind'>) => ref.kind === 'pdf';

export const fileUrl = (handle: string) => `/attachments/${encodeURIComponent(handle)}`;
export const thumbnailUrl = (handle: string) => `/attachments/${encodeURIComponent(handle)}/thumbnail`;

/** 2.4 MB, 830 KB, 12 B: a file's size as a clerk reads it. */
export function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** The short label of a kind on a file icon: PDF, WORD, EXCEL, ZIP. */
export function kindLabel(kind: string): string {
  if (kind === 'archive') return 'ZIP';
  return kind ? kind.toUpperCase() : 'FILE';
}

/** The file picker's filter for the kinds a field takes (the server decides by the content all the same). */
const ACCEPT: Record<string, string> = {
  image: 'image/jpeg,image/png,image/webp,image/heic,.heic',
  pdf: 'application/pdf,.pdf',
  word: '.doc,.docx',
  excel: '.xls,.xlsx',
  archive: '.zip',
};

/** The kinds a field takes, as its type's form spec says (the type owns its limits). */
export function kindsOf(field: FieldDefinition): AttachmentKind[] {
  const form = specOf(field).form(field, 'zh-CN');
  return form.input === 'files' ? form.kinds : [];
}

export function acceptOf(kinds: readonly string[]): string {
  return kinds
    .map((kind) => ACCEPT[kind])
    .filter(Boolean)
    .join(',');
}

/** Whether a field holds files: its type's grid spec asks for the attachment editor (the type decides, never its name). */
export function holdsFiles(model: LedgerModel, field: FieldDefinition): boolean {
  return model.spec(field).grid(field, 'zh-CN').editor === 'attachment';
}

/**
 * A file kept in this browser until it can be uploaded (the phone form offline: offline-files.ts):
 * in a value it stands where the stored file will, as `{ handle: "local_<16 random>", name, size,
 * kind, sha256: "" }` — 22 characters, so the row's checks take it as a handle; a stored file always
 * has its SHA-256. A change holding one is not sent (save-queue.ts); its upload puts the stored
 * file in its place.
 */
export const LOCAL_HANDLE = 'local_';

export const isLocalFile = (ref: Pick<AttachmentRef, 'handle' | 'sha256'>) =>
  ref.handle.startsWith(LOCAL_HANDLE) && !ref.sha256;

/** Whether a change's values hold a file still to upload. */
export function holdsLocalFiles(values: Record<string, unknown>): boolean {
  return Object.values(values).some((value) => attachmentsOf(value).some(isLocalFile));
}

/**
 * The values with the local file `handle` replaced by the stored file (`ref`), or taken out (null:
 * refused); the fields that held it, as they are now (an emptied field is null).
 */
export function replaceLocalFile(
  values: Record<string, unknown>,
  handle: string,
  ref: AttachmentRef | null,
): Record<string, unknown> | null {
  let changed: Record<string, unknown> | null = null;
  for (const [field, value] of Object.entries(values)) {
    if (!Array.isArray(value) || !attachmentsOf(value).some((f) => f.handle === handle)) continue;
    const files = value.flatMap((item: unknown) =>
      (item as Partial<AttachmentRef> | null)?.handle === handle ? (ref ? [ref] : []) : [item],
    );
    (changed ??= {})[field] = files.length > 0 ? files : null;
  }
  return changed;
}
