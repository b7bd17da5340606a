/**
 * A popup beside the cell being edited: below it, or above it when the window has no room below,
 * kept inside the window. It lives in Handsontable's portal (on the body, part of the grid for
 * Handsontable's focus and clicks), so the grid's own box does not clip it; fixed coordinates are
 * set through the CSSOM, which the CSP allows (style attributes it does not).
 */
export function placeBeside(popup: HTMLElement, anchor: HTMLElement): void {
  const view = popup.ownerDocument.defaultView;
  if (!view) return;
  const cell = anchor.getBoundingClientRect();
  const { offsetWidth: width, offsetHeight: height } = popup;
  const below = cell.bottom + 2;
  const above = cell.top - height - 2;
  popup.style.top = `${below + height > view.innerHeight - 4 && above > 4 ? above : below}px`;
  popup.style.left = `${Math.max(4, Math.min(cell.left, view.innerWidth - width - 4))}px`;
}
