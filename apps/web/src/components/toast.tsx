import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';

export type ToastKind = 'success' | 'error';

interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

/** How long a toast stays: a success is read at a glance, a refusal may need reading twice. */
export const TOAST_MS: Record<ToastKind, number> = { success: 5000, error: 12000 };

/**
 * Toasts: a page's confirmations ("用户已创建") and refusals (the API's reason), shown bottom right,
 * announced by screen readers (a success politely, a refusal at once), gone by themselves after
 * TOAST_MS or when closed. `notify` shows one; `toasts` is the region to render once on the page.
 */
export function useToasts(): { toasts: ReactNode; notify(kind: ToastKind, text: string): void } {
  const [items, setItems] = useState<Toast[]>([]);
  const next = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());
  const dismiss = useCallback((id: number) => {
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setItems((now) => now.filter((item) => item.id !== id));
  }, []);
  const notify = useCallback(
    (kind: ToastKind, text: string) => {
      const id = next.current++;
      setItems((now) => [...now.slice(-3), { id, kind, text }]);
      timers.current.set(
        id,
        setTimeout(() => dismiss(id), TOAST_MS[kind]),
      );
    },
    [dismiss],
  );
  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach((timer) => clearTimeout(timer));
  }, []);
  return { toasts: <ToastRegion items={items} onDismiss={dismiss} />, notify };
}

function ToastRegion({ items, onDismiss }: { items: Toast[]; onDismiss(id: number): void }) {
  const { t } = useI18n();
  const list = (kind: ToastKind) =>
    items
      .filter((item) => item.kind === kind)
      .map((item) => (
        <div key={item.id} className={`toast toast-${item.kind}`} data-testid="toast" data-kind={item.kind}>
          <span className="toast-mark" aria-hidden="true">
            {item.kind === 'success' ? '✓' : '!'}
          </span>
          <span className="toast-text">{item.text}</span>
          <button
            type="button"
            className="toast-close"
            aria-label={t('toast.close')}
            onClick={() => onDismiss(item.id)}
          >
            ×
          </button>
        </div>
      ));
  // two live regions that are always in the page, so what is added to them is announced
  return (
    <div className="toasts no-print">
      <div role="status" aria-live="polite">
        {list('success')}
      </div>
      <div role="alert" aria-live="assertive">
        {list('error')}
      </div>
    </div>
  );
}
