import { useEffect, useRef, useState } from 'react';
import type { AttachmentKind } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import {
  acceptOf,
  isImage,
  isLocalFile,
  kindLabel,
  sizeText,
  thumbnailUrl,
  type AttachmentRef,
} from './attachment-value';
import type { OfflineFiles } from './offline-files';
import { uploadFile, UploadFailed, UploadRefused, type UploadState } from './upload-client';
import './attachments.css';

/** Where a form's files go: the ledger and the unit of the row (an admin's choice), the field is the input's. */
export interface FileUploading {
  ledger: string;
  unitId: string | null;
  /**
   * The phone form's: where a file taken offline (or whose upload the network cut off) is kept
   * until it can be uploaded; the form then holds its stand-in (offline-files.ts).
   */
  offline?: OfflineFiles;
}

interface Sending {
  id: number;
  name: string;
  state: UploadState;
}

/**
 * A field of files in a form (a clerk's phone form): the files held, each with 移除, and a file
 * input — on a phone, for a field of images only, the camera (`capture="environment"`). Each file
 * is uploaded at once (progress, three tries, the server's reason when refused); the form holds
 * the stored files and saves them with the row. Without `uploading` (nowhere to send them) the
 * files are only shown.
 */
export function FilesInput({
  name,
  label,
  kinds,
  capture,
  value,
  onChange,
  uploading,
  describedBy,
}: {
  name: string;
  label: string;
  kinds: readonly AttachmentKind[];
  capture: boolean;
  value: AttachmentRef[];
  onChange(value: AttachmentRef[]): void;
  uploading: FileUploading | null | undefined;
  describedBy?: string;
}) {
  const { t, tf, locale } = useI18n();
  const [sending, setSending] = useState<Sending[]>([]);
  // the files held when an upload ends, not when it started (several go at once)
  const latest = useRef(value);
  latest.current = value;
  const aborts = useRef(new Set<AbortController>());
  useEffect(() => () => aborts.current.forEach((a) => a.abort()), []);
  const next = useRef(1);

  const keep = (file: File) => {
    const offline = uploading?.offline;
    if (!uploading || !offline) return false;
    void offline.keep(file, { ledger: uploading.ledger, field: name, unitId: uploading.unitId }).then(
      (ref) => onChange([...latest.current, ref]),
      () =>
        setSending((list) => [
          ...list,
          { id: next.current++, name: file.name, state: { state: 'failed', reason: null } },
        ]),
    );
    return true;
  };

  const send = (files: File[]) => {
    if (!uploading) return;
    for (const file of files) {
      // offline: kept in this browser, uploaded once back online, before the row is sent
      if (!navigator.onLine && keep(file)) continue;
      const id = next.current++;
      const abort = new AbortController();
      aborts.current.add(abort);
      const set = (state: UploadState) => setSending((list) => list.map((s) => (s.id === id ? { ...s, state } : s)));
      setSending((list) => [
        ...list,
        { id, name: file.name, state: { state: 'uploading', loaded: 0, total: file.size, attempt: 1 } },
      ]);
      uploadFile(file, file.name, {
        ledger: uploading.ledger,
        field: name,
        unitId: uploading.unitId,
        locale,
        signal: abort.signal,
        onState: set,
      })
        .then((ref) => {
          setSending((list) => list.filter((s) => s.id !== id));
          if (!latest.current.some((f) => f.handle === ref.handle)) onChange([...latest.current, ref]);
        })
        .catch((error: unknown) => {
          if (error instanceof UploadFailed && keep(file)) setSending((list) => list.filter((s) => s.id !== id));
          else if (!(error instanceof UploadRefused)) set({ state: 'failed', reason: null });
        })
        .finally(() => aborts.current.delete(abort));
    }
  };

  return (
    <div className="files-input" data-testid={`files-input-${name}`}>
      {value.length > 0 && (
        <ul className="file-list">
          {value.map((ref) => (
            <li key={ref.handle} className="file-item">
              {isLocalFile(ref) ? (
                <span className="file-thumb file-icon">{kindLabel(ref.kind)}</span>
              ) : isImage(ref) ? (
                <img className="file-thumb" loading="lazy" src={thumbnailUrl(ref.handle)} alt={ref.name} />
              ) : (
                <span className={`file-thumb file-icon file-icon-${ref.kind || 'file'}`}>{kindLabel(ref.kind)}</span>
              )}
              <span className="file-name">{ref.name}</span>
              <span className="muted file-size">{sizeText(ref.size)}</span>
              {isLocalFile(ref) && <KeptFileState offline={uploading?.offline} handle={ref.handle} />}
              {uploading && (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => {
                    onChange(latest.current.filter((f) => f.handle !== ref.handle));
                    // a kept file let go of before the row was saved: its blob goes too
                    if (isLocalFile(ref)) void uploading.offline?.discard(ref.handle);
                  }}
                >
                  {t('files.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {sending.map((s) => (
        <p key={s.id} className="file-status" data-state={s.state.state}>
          {s.name}
          {' · '}
          {s.state.state === 'uploading' &&
            tf('files.uploading', {
              percent: s.state.total ? Math.round((s.state.loaded / s.state.total) * 100) : 0,
            })}
          {s.state.state === 'waiting' && tf('files.waiting', { n: s.state.attempt + 1 })}
          {s.state.state === 'refused' && tf('files.refused', { reason: s.state.reason })}
          {s.state.state === 'failed' && t('files.failed')}
        </p>
      ))}
      {uploading && (
        <input
          id={`${name}-input`}
          className="field-box"
          type="file"
          multiple
          accept={capture ? 'image/*' : acceptOf(kinds)}
          capture={capture ? 'environment' : undefined}
          aria-label={label}
          aria-describedby={describedBy}
          onChange={(event) => {
            send([...(event.target.files ?? [])]);
            event.target.value = '';
          }}
        />
      )}
    </div>
  );
}

/** A kept file's state in the form: 等待上传 / 正在上传 n% / refused with the server's reason. */
export function KeptFileState({ offline, handle }: { offline: OfflineFiles | undefined; handle: string }) {
  const { t, tf } = useI18n();
  const state = offline?.stateOf(handle) ?? { state: 'waiting' };
  return (
    <span className="file-status" data-state={state.state} data-testid="kept-file-state">
      {state.state === 'waiting' && t('files.kept')}
      {state.state === 'uploading' &&
        tf('files.uploading', { percent: state.total ? Math.round((state.loaded / state.total) * 100) : 0 })}
      {state.state === 'refused' && tf('files.refused', { reason: state.reason })}
    </span>
  );
}
