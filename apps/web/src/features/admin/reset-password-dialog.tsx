import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import type { AdminUser } from './admin.graphql';

interface ResetPasswordDialogProps {
  /** Whose password (null: closed). */
  user: AdminUser | null;
  /** Sets it; the refusal's reason, or null when it worked (then the dialog closes). */
  onReset(password: string): Promise<string | null>;
  onClose(): void;
}

/** 重置密码: names the user, asks the new password (hidden), keeps the dialog open with the reason when refused. */
export function ResetPasswordDialog({ user, onReset, onClose }: ResetPasswordDialogProps) {
  const { t, tf } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (user && !element.open) {
      setPassword('');
      setProblem(null);
      element.showModal();
    }
    if (!user && element.open) element.close();
  }, [user]);
  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      data-testid="reset-password-dialog"
      aria-labelledby="reset-password-title"
      onClose={onClose}
    >
      {user && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setBusy(true);
            void onReset(password).then((reason) => {
              setBusy(false);
              if (reason) setProblem(reason);
              else onClose();
            });
          }}
        >
          <h3 id="reset-password-title">
            {tf('admin.resetPasswordFor', { name: user.displayName, username: user.username })}
          </h3>
          <p className="muted">{t('admin.resetPasswordHelp')}</p>
          <label className="correction-reason">
            {t('admin.newPassword')}
            <input
              type="password"
              name="newPassword"
              autoComplete="new-password"
              required
              autoFocus
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              aria-invalid={problem ? true : undefined}
            />
          </label>
          {problem && (
            <p className="form-error" role="alert" data-testid="reset-password-problem">
              {problem}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button type="submit" disabled={busy}>
              {t('admin.resetPassword')}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
