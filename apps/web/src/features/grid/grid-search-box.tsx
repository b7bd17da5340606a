import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n/i18n';

/** How long typing pauses before the grid searches (a search is a request to the server). */
export const SEARCH_DEBOUNCE_MS = 300;
/** The API's bound (row-filter.ts MAX_SEARCH): the box takes no more. */
const MAX_SEARCH = 100;

interface GridSearchBoxProps {
  /** The text to search for ('' for none): called once typing pauses, at once on Enter or clear. */
  onSearch(text: string): void;
}

/**
 * The grid's search box (docs/grid.md "Search"): a search of the ledger's text fields on the
 * server, combined with the grid's filters and sort. Typing waits for a pause; a Chinese input
 * method's unfinished pinyin (during composition) is never searched for; × and Esc clear it.
 */
export function GridSearchBox({ onSearch }: GridSearchBoxProps) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const composing = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const sent = useRef('');

  const send = (value: string) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const trimmed = value.trim();
    if (trimmed === sent.current) return;
    sent.current = trimmed;
    onSearch(trimmed);
  };
  const later = (value: string) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => send(value), SEARCH_DEBOUNCE_MS);
  };
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  return (
    <span className="grid-search" role="search">
      <input
        type="search"
        value={text}
        maxLength={MAX_SEARCH}
        placeholder={t('grid.searchPlaceholder')}
        title={t('grid.searchHint')}
        aria-label={t('grid.search')}
        data-testid="grid-search"
        onChange={(event) => {
          setText(event.target.value);
          if (!composing.current) later(event.target.value);
        }}
        onCompositionStart={() => {
          composing.current = true;
        }}
        onCompositionEnd={(event) => {
          composing.current = false;
          later(event.currentTarget.value);
        }}
        onKeyDown={(event) => {
          if (composing.current) return;
          if (event.key === 'Enter') send(text);
          if (event.key === 'Escape') {
            setText('');
            send('');
          }
        }}
      />
      {text !== '' && (
        <button
          type="button"
          className="link-button"
          aria-label={t('grid.searchClear')}
          title={t('grid.searchClear')}
          data-testid="grid-search-clear"
          onClick={() => {
            setText('');
            send('');
          }}
        >
          ×
        </button>
      )}
    </span>
  );
}
