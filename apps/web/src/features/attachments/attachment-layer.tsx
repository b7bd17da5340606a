import { useEffect, useMemo, useState } from 'react';
import type { LedgerModel } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import type { GridController, GridSnapshot } from '../grid/grid-controller';
import { AttachmentUploads } from './attachment-uploads';
import { attachmentsOf, type AttachmentRef } from './attachment-value';
import { FilePanel } from './file-panel';
import { ImagePreview, openFile } from './file-preview';
import './attachments.css';

/**
 * The attachment cells' page side: the file panel a cell opens, the image preview, and the
 * sheet's uploads (which go on while the panel is closed). A finished upload is added to its
 * cell through the controller, as the record pane writes, so the grid's save queue saves the row.
 */
export function AttachmentLayer({
  controller,
  model,
  snapshot,
  ledger,
  unitId,
  readOnly,
}: {
  controller: GridController;
  model: LedgerModel;
  snapshot: GridSnapshot | null;
  ledger: string;
  unitId: string | null;
  readOnly: boolean;
}) {
  const { locale } = useI18n();
  const [panel, setPanel] = useState<{ rowKey: string; field: string } | null>(null);
  const [preview, setPreview] = useState<{ start: AttachmentRef; images: AttachmentRef[] } | null>(null);
  const uploads = useMemo(
    () =>
      new AttachmentUploads({ ledger, locale }, (rowKey, field, ref) => {
        const now = attachmentsOf(controller.rowByKey(rowKey)?.[field]);
        if (!now.some((f) => f.handle === ref.handle)) controller.setValue(rowKey, field, [...now, ref]);
      }),
    [controller, ledger, locale],
  );
  useEffect(() => () => uploads.stop(), [uploads]);
  useEffect(() => {
    controller.attachmentHandlers = {
      open: (rowKey, field) => {
        // the panel has the keyboard: Delete in it must not clear the grid's cell
        controller.releaseKeyboard();
        setPanel({ rowKey, field });
      },
      preview: (ref, all) => openFile(ref, all, (start, images) => setPreview({ start, images })),
    };
    return () => {
      controller.attachmentHandlers = null;
    };
  }, [controller]);
  // a file still on its way would be lost with the page: the browser asks before leaving
  useEffect(() => {
    const onLeave = (event: BeforeUnloadEvent) => {
      if (uploads.busy()) event.preventDefault();
    };
    window.addEventListener('beforeunload', onLeave);
    return () => window.removeEventListener('beforeunload', onLeave);
  }, [uploads]);
  const field = panel ? model.byKey.get(panel.field) : undefined;
  return (
    <>
      {panel && field && (
        <FilePanel
          field={field}
          controller={controller}
          snapshot={snapshot}
          rowKey={panel.rowKey}
          unitId={unitId}
          uploads={uploads}
          readOnly={readOnly}
          onPreview={(ref, all) => openFile(ref, all, (start, images) => setPreview({ start, images }))}
          onClose={() => {
            setPanel(null);
            controller.focusGrid();
          }}
        />
      )}
      {preview && <ImagePreview start={preview.start} images={preview.images} onClose={() => setPreview(null)} />}
    </>
  );
}
