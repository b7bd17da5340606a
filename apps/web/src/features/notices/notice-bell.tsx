import { useMutation, useQuery } from '@apollo/client';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { shanghaiDate } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { MARK_NOTICES_READ, NOTICE_BELL, noticeLink, type Notice } from './notices.graphql';

/** How often the bell asks for news while the page is open. */
const POLL_MS = 30_000;
const DAY_MS = 86_400_000;

/**
 * The bell in the header: the unread count, and a list of the newest notices grouped by day
 * (今天, 昨天, a date), each opening what it is about and marked read as it is opened.
 * Polled every 30 s and asked again when the window gets the focus back.
 */
export function NoticeBell() {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const { data, refetch } = useQuery<{ unreadNoticeCount: number; notices: Notice[] }>(NOTICE_BELL, {
    pollInterval: POLL_MS,
    fetchPolicy: 'cache-and-network',
  });
  const [markRead] = useMutation(MARK_NOTICES_READ);

  useEffect(() => {
    const again = () => void refetch().catch(() => undefined);
    window.addEventListener('focus', again);
    return () => window.removeEventListener('focus', again);
  }, [refetch]);

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (!box.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  const unread = data?.unreadNoticeCount ?? 0;
  const notices = data?.notices ?? [];

  async function read(ids: string[]) {
    if (ids.length === 0) return;
    await markRead({ variables: { ids } }).catch(() => undefined);
    await refetch().catch(() => undefined);
  }

  async function openNotice(notice: Notice) {
    setOpen(false);
    const link = noticeLink(notice);
    if (link) void navigate(link);
    if (!notice.readAt) await read([notice.id]);
  }

  const today = shanghaiDate(new Date());
  const yesterday = shanghaiDate(new Date(Date.now() - DAY_MS));
  const dayLabel = (day: string) =>
    day === today ? t('notices.today') : day === yesterday ? t('notices.yesterday') : day;
  const time = (iso: string) =>
    new Date(iso).toLocaleTimeString(locale === 'en' ? 'en-GB' : 'zh-CN', {
      timeZone: 'Asia/Shanghai',
      hour: '2-digit',
      minute: '2-digit',
    });
  const days: { day: string; notices: Notice[] }[] = [];
  for (const notice of notices) {
    const day = shanghaiDate(new Date(notice.createdAt));
    if (days.at(-1)?.day !== day) days.push({ day, notices: [] });
    days.at(-1)!.notices.push(notice);
  }

  return (
    <div className="notice-bell" ref={box}>
      <button
        type="button"
        className="bell-button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-label={t('notices.bell').replace('{n}', String(unread))}
        title={t('notices.title')}
        onClick={() => setOpen((was) => !was)}
        data-testid="notice-bell"
      >
        {/* drawn, not an emoji: office PCs and headless browsers often have no emoji font */}
        <svg className="bell-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
          <path
            d="M12 3a6 6 0 0 0-6 6v3.6l-1.7 2.9A1 1 0 0 0 5.2 17h13.6a1 1 0 0 0 .9-1.5L18 12.6V9a6 6 0 0 0-6-6Zm-2.5 15a2.5 2.5 0 0 0 5 0h-5Z"
            fill="currentColor"
          />
        </svg>
        {unread > 0 && (
          <span className="bell-count" data-testid="notice-count">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div className="notice-list" role="dialog" aria-label={t('notices.title')} data-testid="notice-list">
          <div className="notice-list-head">
            <strong>{t('notices.title')}</strong>
            <button
              type="button"
              className="link-button"
              disabled={unread === 0}
              onClick={() => void read(notices.filter((n) => !n.readAt).map((n) => n.id))}
              data-testid="notices-read-all"
            >
              {t('notices.markAll')}
            </button>
          </div>
          {days.length === 0 && <p className="muted">{t('notices.empty')}</p>}
          {days.map(({ day, notices: ofDay }) => (
            <section key={day}>
              <h5>{dayLabel(day)}</h5>
              <ul>
                {ofDay.map((notice) => (
                  <li key={notice.id}>
                    <button
                      type="button"
                      className={notice.readAt ? 'notice' : 'notice unread'}
                      onClick={() => void openNotice(notice)}
                      data-testid="notice"
                      data-kind={notice.kind}
                    >
                      <span className={`badge notice-${notice.kind.toLowerCase()}`}>
                        {t(`notices.kind.${notice.kind}`)}
                      </span>
                      <span className="notice-title">{notice.title}</span>
                      {notice.body && <span className="notice-body">{notice.body}</span>}
                      <time className="muted" dateTime={notice.createdAt}>
                        {time(notice.createdAt)}
                      </time>
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      )}
    </div>
  );
}
