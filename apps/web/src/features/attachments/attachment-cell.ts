import type Handsontable from 'handsontable/base';
import { BaseEditor } from 'handsontable/editors/baseEditor';
import { registerEditor } from 'handsontable/editors/registry';
import './attachments.css';
import { attachmentsOf, isImage, kindLabel, thumbnailUrl, type AttachmentRef } from './attachment-value';

/** The editor's name in column settings. */
export const ATTACHMENT_EDITOR = 'attachmentFiles';

/** How many files a cell shows; the rest are in its count and in the file panel. */
export const THUMBNAILS_IN_CELL = 3;

/** What an attachment column asks of the page (the grid controller passes it on): its file panel and preview. */
export interface AttachmentActions {
  /** Enter or a double click on a cell: the file panel of that row's field. */
  open(visualRow: number, field: string): void;
  /** A click on a thumbnail: the preview of that file, among the cell's files. */
  preview(ref: AttachmentRef, all: AttachmentRef[]): void;
}

interface AttachmentSettings {
  attachmentActions?: AttachmentActions;
}

/**
 * An attachment cell is not typed into: Enter, F2 or a double click opens the page's file panel
 * (file-panel.tsx), which writes the cell's new value through the controller like the record
 * pane does, so it is checked and saved by the grid's own save queue. A character typed on the
 * cell opens nothing (a file is uploaded, not typed).
 */
export class AttachmentEditor extends BaseEditor {
  override beginEditing(newInitialValue?: unknown): void {
    if (typeof newInitialValue === 'string' && newInitialValue !== '') return;
    const actions = (this.cellProperties as AttachmentSettings).attachmentActions;
    if (this.row !== null) actions?.open(this.row, String(this.prop));
  }
  override getValue(): unknown {
    return this.originalValue;
  }
  override setValue(): void {}
  override open(): void {}
  override close(): void {}
  override focus(): void {}
}

/**
 * A cell of files: up to three thumbnails (lazily loaded: a page of 500 rows asks for the
 * pictures in view only), a file icon with the kind for documents, and how many files in all.
 * `base` draws first, so the cell's problems (red, the reason on hover) stay as for any cell.
 */
export function attachmentRenderer(
  base: Handsontable.renderers.BaseRenderer,
  actions: AttachmentActions | undefined,
  countText: (n: number) => string,
): Handsontable.renderers.BaseRenderer {
  return (instance, td, row, col, prop, value, cellProperties) => {
    const files = attachmentsOf(value);
    base(instance, td, row, col, prop, files.length > 0 ? null : value, cellProperties);
    if (files.length === 0) return;
    const doc = td.ownerDocument;
    const strip = doc.createElement('div');
    strip.className = 'cell-files';
    for (const ref of files.slice(0, THUMBNAILS_IN_CELL)) {
      const item = thumbnailElement(doc, ref);
      item.addEventListener('click', (event) => {
        event.stopPropagation();
        actions?.preview(ref, files);
      });
      // a double click on a picture previews it, it does not open the file panel as well
      item.addEventListener('dblclick', (event) => event.stopPropagation());
      strip.append(item);
    }
    const count = doc.createElement('span');
    count.className = 'cell-files-count';
    count.textContent = countText(files.length);
    strip.append(count);
    td.replaceChildren(strip);
    if (!td.title) td.title = files.map((f) => f.name).join('\n');
  };
}

/** One file as a small picture: its thumbnail for an image, a labelled icon for anything else. */
export function thumbnailElement(doc: Document, ref: AttachmentRef): HTMLElement {
  if (isImage(ref)) {
    const img = doc.createElement('img');
    img.className = 'file-thumb';
    img.loading = 'lazy';
    img.decoding = 'async';
    img.alt = ref.name;
    img.src = thumbnailUrl(ref.handle);
    img.dataset.handle = ref.handle;
    return img;
  }
  const icon = doc.createElement('span');
  icon.className = `file-thumb file-icon file-icon-${ref.kind || 'file'}`;
  icon.textContent = kindLabel(ref.kind);
  icon.title = ref.name;
  icon.dataset.handle = ref.handle;
  return icon;
}

registerEditor(ATTACHMENT_EDITOR, AttachmentEditor);
