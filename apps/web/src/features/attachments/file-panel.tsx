import { useEffect, useRef, useState, useSyncExternalStore, type DragEvent } from 'react';
import { textOf, type FieldDefinition } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import type { GridController, GridSnapshot } from '../grid/grid-controller';
import { UNIT_COLUMN } from '../grid/grid-row';
import type { AttachmentUploads, UploadEntry } from './attachment-uploads';
import {
  acceptOf,
  kindsOf,
  attachmentsOf,
  isImage,
  kindLabel,
  sizeText,
  thumbnailUrl,
  type AttachmentRef,
} from './attachment-value';

interface FilePanelProps {
  field: FieldDefinition;
  controller: GridController;
  /** Changes whenever the grid's rows do: the panel reads the cell again. */
  snapshot: GridSnapshot | null;
  rowKey: string;
  /** The sheet's unit (none: the clerk's own, or each row's in an admin's sheet of every unit). */
  unitId: string | null;
  uploads: AttachmentUploads;
  readOnly: boolean;
  onPreview(ref: AttachmentRef, all: AttachmentRef[]): void;
  onClose(): void;
}

/**
 * The files of one cell: those the row holds (a click previews, 移除 takes one off the row), and
 * those on their way, each with its progress, the server's reason when it refused one, and 重试
 * once three tries failed. Files come from the upload button, a drop, or an image pasted from the
 * clipboard. A finished upload goes into the cell by the controller (AttachmentUploads), so the
 * row is saved by the grid's own queue; the panel may close while files are still on their way.
 */
export function FilePanel({
  field,
  controller,
  rowKey,
  unitId,
  uploads,
  readOnly,
  onPreview,
  onClose,
}: FilePanelProps) {
  const { t, tf, locale } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const all = useSyncExternalStore(
    (listener) => uploads.subscribe(listener),
    () => uploads.all(),
  );
  const entries = all.filter((e) => e.rowKey === rowKey && e.field === field.key);
  const row = controller.rowByKey(rowKey);
  const files = attachmentsOf(row?.[field.key]);
  const number = controller.rowNumber(rowKey);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const give = (list: File[]) => {
    if (readOnly || list.length === 0) return;
    const unit = controller.rowByKey(rowKey)?.[UNIT_COLUMN];
    uploads.add(rowKey, field.key, typeof unit === 'string' && unit ? unit : unitId, list);
  };

  // an image pasted from the clipboard (a screenshot, a photo copied in a chat) while the panel is open
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const pasted = [...(event.clipboardData?.items ?? [])]
        .filter((item) => item.kind === 'file')
        .map((item) => item.getAsFile())
        .filter((file): file is File => file !== null)
        .map((file) => (file.name && file.name !== 'image.png' ? file : renamed(file, t('files.pastedName'))));
      if (pasted.length === 0) return;
      event.preventDefault();
      give(pasted);
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  });

  const remove = (handle: string) => {
    const now = attachmentsOf(controller.rowByKey(rowKey)?.[field.key]);
    controller.setValue(
      rowKey,
      field.key,
      now.filter((f) => f.handle !== handle),
    );
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    give([...event.dataTransfer.files]);
  };

  const title = textOf(field.title, locale);
  return (
    <dialog
      ref={dialog}
      className="file-panel"
      data-testid="file-panel"
      aria-label={title}
      onClose={onClose}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <header className="file-panel-head">
        <h3>
          {title}
          {number !== null && <span className="muted"> · {tf('files.row', { n: number })}</span>}
        </h3>
        <button type="button" className="link-button" onClick={onClose} data-testid="file-panel-close">
          {t('files.close')}
        </button>
      </header>
      {!readOnly && (
        <div
          className={`file-drop${dragging ? ' is-dragging' : ''}`}
          data-testid="file-drop"
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <button type="button" onClick={() => input.current?.click()} data-testid="file-upload">
            {t('files.upload')}
          </button>
          <span className="muted">{t('files.dropHint')}</span>
          <input
            ref={input}
            type="file"
            multiple
            hidden
            accept={acceptOf(kindsOf(field))}
            data-testid="file-input"
            onChange={(event) => {
              give([...(event.target.files ?? [])]);
              event.target.value = '';
            }}
          />
        </div>
      )}
      <ul className="file-list" data-testid="file-list">
        {files.map((ref) => (
          <li key={ref.handle} className="file-item" data-testid="file-item">
            <button
              type="button"
              className="file-open"
              onClick={() => onPreview(ref, files)}
              title={t('files.preview')}
            >
              {isImage(ref) ? (
                <img className="file-thumb" loading="lazy" src={thumbnailUrl(ref.handle)} alt={ref.name} />
              ) : (
                <span className={`file-thumb file-icon file-icon-${ref.kind || 'file'}`}>{kindLabel(ref.kind)}</span>
              )}
              <span className="file-name">{ref.name}</span>
            </button>
            <span className="muted file-size">{sizeText(ref.size)}</span>
            {!readOnly && (
              <button
                type="button"
                className="link-button"
                onClick={() => remove(ref.handle)}
                data-testid="file-remove"
              >
                {t('files.remove')}
              </button>
            )}
          </li>
        ))}
        {entries
          .filter((entry) => entry.state.state !== 'done')
          .map((entry) => (
            <UploadItem key={entry.id} entry={entry} uploads={uploads} />
          ))}
      </ul>
      {files.length === 0 && entries.length === 0 && <p className="muted">{t('files.empty')}</p>}
    </dialog>
  );
}

function UploadItem({ entry, uploads }: { entry: UploadEntry; uploads: AttachmentUploads }) {
  const { t, tf } = useI18n();
  const { state } = entry;
  const percent =
    state.state === 'uploading' && state.total > 0 ? Math.min(100, Math.round((state.loaded / state.total) * 100)) : 0;
  const problem = state.state === 'refused' || state.state === 'failed';
  return (
    <li
      className={`file-item file-upload${problem ? ' is-problem' : ''}`}
      data-testid="file-upload-item"
      data-state={state.state}
    >
      <span className="file-name">{entry.name}</span>
      <span className="muted file-size">{sizeText(entry.size)}</span>
      {state.state === 'uploading' && (
        <progress className="file-progress" max={100} value={percent} aria-label={tf('files.uploading', { percent })} />
      )}
      <span className="file-status" data-testid="file-status">
        {state.state === 'uploading' && tf('files.uploading', { percent })}
        {state.state === 'waiting' && tf('files.waiting', { n: state.attempt + 1 })}
        {state.state === 'refused' && tf('files.refused', { reason: state.reason })}
        {state.state === 'failed' &&
          (state.reason ? tf('files.failedReason', { reason: state.reason }) : t('files.failed'))}
      </span>
      {state.state === 'failed' && (
        <button type="button" className="link-button" onClick={() => uploads.retry(entry.id)} data-testid="file-retry">
          {t('files.retry')}
        </button>
      )}
      <button type="button" className="link-button" onClick={() => uploads.dismiss(entry.id)}>
        {problem ? t('files.dismiss') : t('files.cancel')}
      </button>
    </li>
  );
}

/** A pasted image has no name of its own ("image.png"): it gets one the clerk can tell apart. */
function renamed(file: File, base: string): File {
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
  const extension = file.type === 'image/jpeg' ? 'jpg' : file.type === 'image/webp' ? 'webp' : 'png';
  return new File([file], `${base}-${stamp}.${extension}`, { type: file.type });
}
