import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import type { GridController, GridSnapshot } from './grid-controller';
import { parseRowNumber } from './grid-window';

/** Whether the ledger holds more rows than the grid's window: only then the two below are shown. */
export const spansMoreThanWindow = (snapshot: GridSnapshot | null): snapshot is GridSnapshot =>
  snapshot !== null && (snapshot.base > 0 || snapshot.loaded < snapshot.total);

/** Waiting this long after the scrollbar last moved before reading the rows there. */
const DRAG_SETTLE_MS = 120;

/**
 * 转到行: a row number of the whole sort and filter (as the row headers count), Enter reads the
 * rows around it and puts the cursor there.
 */
export function GoToRow({ snapshot, controller }: { snapshot: GridSnapshot; controller: GridController }) {
  const { t, tf } = useI18n();
  const [text, setText] = useState('');
  return (
    <form
      className="goto-row"
      onSubmit={(event) => {
        event.preventDefault();
        const position = parseRowNumber(text, snapshot.total);
        if (position !== null) void controller.jumpTo(position);
      }}
    >
      <input
        data-testid="goto-row"
        inputMode="numeric"
        aria-label={t('grid.goToRow')}
        placeholder={t('grid.goToRow')}
        title={tf('grid.goToRowHint', { total: snapshot.total })}
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
    </form>
  );
}

/**
 * The scrollbar of the whole ledger, beside the grid: it stands where the view is among all rows
 * of the sort and filter (not only the rows the grid holds), and dragging it reads the rows there.
 */
export function PositionBar({ snapshot, controller }: { snapshot: GridSnapshot; controller: GridController }) {
  const { tf } = useI18n();
  const [dragged, setDragged] = useState<number | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const max = Math.max(0, snapshot.total - 1);
  const value = dragged ?? Math.min(snapshot.viewTop, max);
  return (
    <input
      type="range"
      className="grid-position-bar"
      data-testid="position-bar"
      min={0}
      max={max}
      step={1}
      value={value}
      aria-label={tf('grid.position', { row: value + 1, total: snapshot.total })}
      title={tf('grid.position', { row: value + 1, total: snapshot.total })}
      onChange={(event) => {
        const position = Number(event.target.value);
        setDragged(position);
        if (timer.current) clearTimeout(timer.current);
        timer.current = setTimeout(() => {
          void controller.jumpTo(position, false).finally(() => setDragged(null));
        }, DRAG_SETTLE_MS);
      }}
    />
  );
}
