import { useI18n } from '../../i18n/i18n';
import type { Conflict } from './grid-saver';

interface ConflictChoiceProps {
  conflict: Conflict;
  /** Which row: 第 3 行 beside the grid; none on the phone form, which shows one row. */
  heading?: string;
  fieldTitle(key: string): string;
  /** A value as the cell (or the form) shows it. */
  show(key: string, value: unknown): string;
  onKeepMine(): void;
  onTakeTheirs(): void;
}

/**
 * A change that met a newer version of its row: each field changed, the server's value beside
 * mine, and the choice (GridSaver.keepMine / takeTheirs). The grid's side panel and the phone
 * form show the same.
 */
export function ConflictChoice({ conflict, heading, fieldTitle, show, onKeepMine, onTakeTheirs }: ConflictChoiceProps) {
  const { t } = useI18n();
  return (
    <div className="conflict" data-row={conflict.rowKey}>
      {heading && <p>{heading}</p>}
      <table>
        <thead>
          <tr>
            <th />
            <th>{t('grid.theirs')}</th>
            <th>{t('grid.mine')}</th>
          </tr>
        </thead>
        <tbody>
          {Object.keys(conflict.mine).map((key) => (
            <tr key={key}>
              <th>{fieldTitle(key)}</th>
              <td data-testid="their-value">{show(key, conflict.theirs.values[key])}</td>
              <td data-testid="my-value">{show(key, conflict.mine[key])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={onKeepMine} data-testid="keep-mine">
        {t('grid.keepMine')}
      </button>
      <button type="button" onClick={onTakeTheirs} data-testid="take-theirs">
        {t('grid.takeTheirs')}
      </button>
    </div>
  );
}
