import { isImage, kindLabel, thumbnailUrl, type AttachmentRef } from './attachment-value';
import './attachments.css';

/**
 * A cell's files outside the grid (the print view, the record pane): images as their thumbnails,
 * other kinds as a labelled icon with the file's name. `eager` for print: the browser prints
 * only what it has loaded.
 */
export function FileThumbnails({
  files,
  eager = false,
  onOpen,
}: {
  files: AttachmentRef[];
  eager?: boolean;
  onOpen?(ref: AttachmentRef): void;
}) {
  if (files.length === 0) return null;
  return (
    <span className="file-thumbnails" data-testid="file-thumbnails">
      {files.map((ref) => {
        const picture = isImage(ref) ? (
          <img
            className="file-thumb"
            loading={eager ? 'eager' : 'lazy'}
            src={thumbnailUrl(ref.handle)}
            alt={ref.name}
            title={ref.name}
          />
        ) : (
          <span className="file-doc">
            <span className={`file-thumb file-icon file-icon-${ref.kind || 'file'}`}>{kindLabel(ref.kind)}</span>
            <span className="file-name">{ref.name}</span>
          </span>
        );
        return onOpen ? (
          <button key={ref.handle} type="button" className="file-open" onClick={() => onOpen(ref)}>
            {picture}
          </button>
        ) : (
          <span key={ref.handle}>{picture}</span>
        );
      })}
    </span>
  );
}
