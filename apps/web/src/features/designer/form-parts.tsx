import { useI18n } from '../../i18n/i18n';

/** The key (an identifier) and the Chinese title every item of a definition starts with. */
export function KeyAndTitle({
  keyValue,
  title,
  onKey,
  onTitle,
}: {
  keyValue: string;
  title: string;
  onKey(key: string): void;
  onTitle(title: string): void;
}) {
  const { t } = useI18n();
  return (
    <>
      <label>
        {t('designer.fieldKey')}
        <input value={keyValue} onChange={(e) => onKey(e.target.value)} pattern="[a-z][a-z0-9_]*" required name="key" />
      </label>
      <label>
        {t('designer.fieldTitle')}
        <input value={title} onChange={(e) => onTitle(e.target.value)} required name="title" />
      </label>
    </>
  );
}

/** A designer form's buttons: 添加 for a new item; 应用 and 取消 for one being edited. */
export function FormButtons({
  editing,
  disabled,
  onCancel,
}: {
  editing: boolean;
  disabled?: boolean;
  onCancel?(): void;
}) {
  const { t } = useI18n();
  return editing ? (
    <>
      <button type="submit" className="primary" disabled={disabled}>
        {t('designer.apply')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('designer.cancel')}
      </button>
    </>
  ) : (
    <button type="submit" disabled={disabled}>
      + {t('designer.add')}
    </button>
  );
}

/** 上移 and 下移 for the item at `index` of a list of `count`: `onMove(from, to)`. */
export function MoveButtons({
  index,
  count,
  onMove,
}: {
  index: number;
  count: number;
  onMove(from: number, to: number): void;
}) {
  const { t } = useI18n();
  return (
    <>
      <button type="button" className="link-button" disabled={index === 0} onClick={() => onMove(index, index - 1)}>
        {t('designer.moveUp')}
      </button>
      <button
        type="button"
        className="link-button"
        disabled={index === count - 1}
        onClick={() => onMove(index, index + 1)}
      >
        {t('designer.moveDown')}
      </button>
    </>
  );
}
