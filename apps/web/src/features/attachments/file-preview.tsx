import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { fileUrl, isImage, isPdf, sizeText, type AttachmentRef } from './attachment-value';

/**
 * A file opened from a cell or the file panel: an image in an overlay over the page (← → to the
 * cell's other images, Esc or a click outside to close); a PDF in the browser's own viewer in a
 * new tab; any other kind is downloaded. The API serves each file with its safe content type and
 * Content-Disposition (docs/attachments.md), so none of them runs in our origin.
 */
export function openFile(
  ref: AttachmentRef,
  all: AttachmentRef[],
  showImage: (ref: AttachmentRef, images: AttachmentRef[]) => void,
): void {
  if (isImage(ref)) {
    showImage(ref, all.filter(isImage));
  } else if (isPdf(ref)) {
    window.open(fileUrl(ref.handle), '_blank', 'noopener');
  } else {
    const link = document.createElement('a');
    link.href = fileUrl(ref.handle);
    link.download = ref.name;
    link.rel = 'noopener';
    document.body.append(link);
    link.click();
    link.remove();
  }
}

export function ImagePreview({
  start,
  images,
  onClose,
}: {
  start: AttachmentRef;
  images: AttachmentRef[];
  onClose(): void;
}) {
  const { t, tf } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const [at, setAt] = useState(() =>
    Math.max(
      0,
      images.findIndex((i) => i.handle === start.handle),
    ),
  );
  const shown = images[at] ?? start;
  const move = (step: number) => setAt((i) => (images.length === 0 ? 0 : (i + step + images.length) % images.length));
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="file-preview"
      data-testid="file-preview"
      aria-label={shown.name}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onKeyDown={(event) => {
        if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
          event.preventDefault();
          move(event.key === 'ArrowLeft' ? -1 : 1);
        }
      }}
      onClick={(event) => {
        // the backdrop: a click outside the picture closes it
        if (event.target === dialog.current) onClose();
      }}
    >
      <img
        className="file-preview-image"
        src={fileUrl(shown.handle)}
        alt={shown.name}
        data-testid="file-preview-image"
      />
      <footer className="file-preview-bar">
        <span className="file-name">{shown.name}</span>
        <span className="muted">{sizeText(shown.size)}</span>
        {images.length > 1 && (
          <>
            <button type="button" onClick={() => move(-1)} aria-label={t('files.previous')}>
              ←
            </button>
            <span className="muted">{tf('files.position', { n: at + 1, total: images.length })}</span>
            <button type="button" onClick={() => move(1)} aria-label={t('files.next')}>
              →
            </button>
          </>
        )}
        <a href={fileUrl(shown.handle)} download={shown.name}>
          {t('files.download')}
        </a>
        <button type="button" onClick={onClose} data-testid="file-preview-close" autoFocus>
          {t('files.close')}
        </button>
      </footer>
    </dialog>
  );
}
