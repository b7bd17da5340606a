import { Fragment, useState, type DragEvent, type ReactNode } from 'react';
import { useI18n } from '../../i18n/i18n';

/** The list with the item at `from` moved to `to`. */
export function moved<T>(items: readonly T[], from: number, to: number): T[] {
  const next = [...items];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item);
  return next;
}

/**
 * A definition's list (fields, rules) as rows an admin works with by clicks: each row's cells, its
 * 修改 (the item's form opens beneath it), the list's own actions, and 删除. One item is edited at
 * a time; removing or saving closes the form.
 */
export function EditableRows<T>({
  items,
  rowProps,
  cells,
  actions,
  editor,
  onRemove,
  canRemove = () => true,
  onMove,
}: {
  items: T[];
  /** The row's data attributes (data-field, data-rule), for tests and styles. */
  rowProps(item: T): Record<string, string>;
  cells(item: T): ReactNode[];
  /** Buttons between 修改 and 删除 (duplicate, move). */
  actions?(item: T, index: number): ReactNode;
  /** The item's form; `close` when it is done or cancelled. */
  editor(item: T, index: number, close: () => void): ReactNode;
  onRemove(index: number): void;
  canRemove?(index: number): boolean;
  /** Rows may be dragged to another place (the list's order means something: fields, rules). */
  onMove?(from: number, to: number): void;
}) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<number | null>(null);
  const [dragged, setDragged] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const dragging = (i: number) =>
    onMove
      ? {
          draggable: true,
          title: t('designer.dragHint'),
          className: [dragged === i ? 'dragged' : '', over === i && dragged !== i ? 'drop-target' : '']
            .filter(Boolean)
            .join(' '),
          onDragStart: (event: DragEvent<HTMLTableRowElement>) => {
            event.dataTransfer.effectAllowed = 'move';
            event.dataTransfer.setData('text/plain', String(i));
            setDragged(i);
          },
          onDragOver: (event: DragEvent<HTMLTableRowElement>) => {
            if (dragged === null) return;
            event.preventDefault();
            setOver(i);
          },
          onDrop: (event: DragEvent<HTMLTableRowElement>) => {
            event.preventDefault();
            if (dragged !== null && dragged !== i) {
              setEditing(null);
              onMove(dragged, i);
            }
            setDragged(null);
            setOver(null);
          },
          onDragEnd: () => {
            setDragged(null);
            setOver(null);
          },
        }
      : {};
  const close = () => setEditing(null);
  const width = cells(items[0]).length + 1;
  return (
    <table className="data-table">
      <tbody>
        {items.map((item, i) => (
          <Fragment key={`${Object.values(rowProps(item)).join()}-${i}`}>
            <tr {...rowProps(item)} {...dragging(i)}>
              {cells(item).map((cell, j) => (
                <td key={j}>{cell}</td>
              ))}
              <td className="field-actions">
                <button type="button" className="link-button" onClick={() => setEditing(editing === i ? null : i)}>
                  {t('designer.change')}
                </button>
                {actions?.(item, i)}
                <button
                  type="button"
                  className="link-button"
                  disabled={!canRemove(i)}
                  onClick={() => {
                    close();
                    onRemove(i);
                  }}
                >
                  {t('designer.remove')}
                </button>
              </td>
            </tr>
            {editing === i && (
              <tr>
                <td colSpan={width}>{editor(item, i, close)}</td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

/** The form of one item of a list: empty to add one, filled in (`initial`) to edit it. */
export interface ItemFormProps<T> {
  initial?: T;
  onSubmit(item: T): void;
  onCancel?(): void;
}

/**
 * A definition's list of keyed items (rules, statistics, groupings) as a section: its rows, each
 * edited in place or removed, and the same form beneath them to add one.
 */
export function ItemSection<T>({
  title,
  testId,
  items,
  onChange,
  rowProps,
  cells,
  form,
}: {
  title: string;
  testId: string;
  items: T[];
  onChange(items: T[]): void;
  rowProps(item: T): Record<string, string>;
  cells(item: T): ReactNode[];
  form(props: ItemFormProps<T>): ReactNode;
}) {
  return (
    <section className="field-list" data-testid={testId} aria-label={title}>
      <h3>{title}</h3>
      {items.length > 0 && (
        <EditableRows
          items={items}
          rowProps={rowProps}
          cells={cells}
          onRemove={(i) => onChange(items.filter((_, j) => j !== i))}
          onMove={(from, to) => onChange(moved(items, from, to))}
          editor={(item, i, close) =>
            form({
              initial: item,
              onCancel: close,
              onSubmit: (edited) => {
                close();
                onChange(items.map((x, j) => (j === i ? edited : x)));
              },
            })
          }
        />
      )}
      {form({ onSubmit: (item) => onChange([...items, item]) })}
    </section>
  );
}
