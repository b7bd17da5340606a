import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n/i18n';

export interface ConfirmRequest {
  title: string;
  /** What will happen, naming who or what: 「停用 张三 后，该用户将无法登录。确定停用吗？」 */
  message: string;
  /** The button that does it: 停用. */
  confirm: string;
  /** A step that takes something away: the button is red. */
  danger?: boolean;
  onConfirm(): void;
}

/**
 * A modal question before a step with consequences; Esc or 取消 leaves everything as it was. Render
 * it with the request to ask (null: nothing asked).
 */
export function ConfirmDialog({ request, onClose }: { request: ConfirmRequest | null; onClose(): void }) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (request && !element.open) element.showModal();
    if (!request && element.open) element.close();
  }, [request]);
  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      data-testid="confirm-dialog"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-message"
      onClose={onClose}
    >
      {request && (
        <>
          <h3 id="confirm-title">{request.title}</h3>
          <p id="confirm-message">{request.message}</p>
          <div className="dialog-actions">
            <button type="button" onClick={onClose} autoFocus data-testid="confirm-cancel">
              {t('common.cancel')}
            </button>
            <button
              type="button"
              className={request.danger ? 'danger' : undefined}
              data-testid="confirm-ok"
              onClick={() => {
                request.onConfirm();
                onClose();
              }}
            >
              {request.confirm}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
