import { useMutation, useQuery } from '@apollo/client';
import { useEffect, useMemo, useRef, useState } from 'react';
import { viewConfigFor, type LedgerModel } from '@taizhang/ledger-core';
import { ConfirmDialog, type ConfirmRequest } from '../../components/confirm-dialog';
import { useI18n } from '../../i18n/i18n';
import { NO_VIEW_LAYOUT, type ViewLayout } from '../grid/column-layout';
import type { GridController } from '../grid/grid-controller';
import { ViewDialog, type ViewDraft } from './view-dialog';
import { DELETE_VIEW, SAVE_VIEW, SET_DEFAULT_VIEW, VIEWS, type SavedView } from './views.graphql';

interface ViewPickerProps {
  model: LedgerModel;
  controller: GridController;
  /** Admins publish shared views. */
  canShare: boolean;
  /** The view's layout the grid shows now (null: none). */
  layout: ViewLayout | null;
  onLayout(layout: ViewLayout | null): void;
  /**
   * The grid opens with the ledger's default view (GridOptions.opening; not in a drill-down or on a
   * link to a row, which set their own rows): the picker shows it chosen, with its layout.
   */
  applyDefault: boolean;
}

/**
 * The grid toolbar's 视图 (docs/views.md): pick a saved view — its filter and sort go to the
 * controller, its columns and rows to the grid — save the grid as a view, update, delete, set as
 * default. The ledger opens with the view `views` marks `opensByDefault`.
 */
export function ViewPicker({ model, controller, canShare, layout, onLayout, applyDefault }: ViewPickerProps) {
  const { t } = useI18n();
  const ledger = model.definition.key;
  const views = useQuery<{ views: SavedView[] }>(VIEWS, { variables: { ledger }, fetchPolicy: 'cache-and-network' });
  const list = useMemo(() => views.data?.views ?? [], [views.data]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const selected = list.find((view) => view.id === selectedId) ?? null;
  const [dialog, setDialog] = useState<'create' | 'update' | null>(null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [saveView, saving] = useMutation<{ saveView: SavedView }>(SAVE_VIEW);
  const [deleteView] = useMutation(DELETE_VIEW);
  const [setDefault] = useMutation<{ setDefaultView: SavedView }>(SET_DEFAULT_VIEW);

  /** A view chosen: its layout, and its rows unless the grid already reads them (`rows` false). */
  const apply = (view: SavedView | null, rows = true) => {
    setSelectedId(view?.id ?? null);
    setProblem(null);
    if (!view) {
      onLayout(null);
      void controller.applyQuery({ orderBy: [], filter: {} });
      return;
    }
    const config = viewConfigFor(model, view.config);
    onLayout({ hidden: config.hidden, order: config.order, frozen: config.frozen, rowHeight: config.rowHeight });
    if (rows) void controller.applyQuery({ orderBy: config.orderBy, filter: config.filter });
  };

  // the default view, once, when the list first comes: its rows are the grid's first read
  // (GridOptions.opening, ledger-page.tsx), so here only its name and layout
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current || !views.data) return;
    opened.current = true;
    const opening = applyDefault ? views.data.views.find((view) => view.opensByDefault) : undefined;
    if (opening) apply(opening, false);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on the first answer
  }, [views.data]);
  // another unit or period is a new controller: the chosen view's rows again
  const shownOn = useRef(controller);
  useEffect(() => {
    if (shownOn.current === controller) return;
    shownOn.current = controller;
    // (the default view is the new grid's own first read)
    if (selected && !(applyDefault && selected.opensByDefault)) {
      const config = viewConfigFor(model, selected.config);
      void controller.applyQuery({ orderBy: config.orderBy, filter: config.filter });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- on a new controller only
  }, [controller]);

  const save = async (draft: ViewDraft) => {
    const query = controller.currentQuery;
    const config = {
      filter: query.filter,
      orderBy: query.orderBy,
      hidden: draft.hidden,
      // the columns as they stand now, moved ones included
      order: controller.shownColumnOrder().filter((key) => model.byKey.has(key)),
      frozen: draft.frozen,
      rowHeight: draft.rowHeight,
    };
    const id = dialog === 'update' ? (selected?.id ?? null) : null;
    const answer = await saveView({
      variables: { id, input: { ledger, name: draft.name, shared: draft.shared, config } },
    });
    const saved = answer.data?.saveView;
    if (!saved) return;
    setDialog(null);
    await views.refetch();
    apply(saved);
  };

  const remove = (view: SavedView) =>
    setConfirm({
      title: t('views.delete'),
      message: t(view.shared ? 'views.deleteShared' : 'views.deleteMessage').replace('{name}', view.name),
      confirm: t('views.delete'),
      danger: true,
      onConfirm: () =>
        void deleteView({ variables: { id: view.id } })
          .then(async () => {
            await views.refetch();
            apply(null);
          })
          .catch((error: Error) => setProblem(error.message)),
    });

  const toggleDefault = (view: SavedView) =>
    void setDefault({ variables: { id: view.id, isDefault: !view.isDefault } })
      .then(() => views.refetch())
      .catch((error: Error) => setProblem(error.message));

  const shared = list.filter((view) => view.shared);
  const personal = list.filter((view) => !view.shared);
  const label = (view: SavedView) => (view.opensByDefault ? `${view.name}${t('views.defaultMark')}` : view.name);
  return (
    <div className="view-picker" data-testid="view-bar">
      <label className="inline-field">
        {t('views.label')}
        <select
          value={selectedId ?? ''}
          onChange={(event) => apply(list.find((view) => view.id === event.target.value) ?? null)}
          data-testid="view-picker"
        >
          <option value="">{t('views.none')}</option>
          {shared.length > 0 && (
            <optgroup label={t('views.sharedGroup')}>
              {shared.map((view) => (
                <option key={view.id} value={view.id}>
                  {label(view)}
                </option>
              ))}
            </optgroup>
          )}
          {personal.length > 0 && (
            <optgroup label={t('views.personalGroup')}>
              {personal.map((view) => (
                <option key={view.id} value={view.id}>
                  {label(view)}
                </option>
              ))}
            </optgroup>
          )}
        </select>
      </label>
      <button type="button" onClick={() => setDialog('create')} data-testid="view-save-as">
        {t('views.saveAs')}
      </button>
      {selected?.editable && (
        <>
          <button type="button" onClick={() => setDialog('update')} data-testid="view-update">
            {t('views.update')}
          </button>
          <button type="button" onClick={() => toggleDefault(selected)} data-testid="view-default">
            {t(selected.isDefault ? 'views.unsetDefault' : 'views.setDefault')}
          </button>
          <button type="button" onClick={() => remove(selected)} data-testid="view-delete">
            {t('views.delete')}
          </button>
        </>
      )}
      {problem && (
        <span className="form-error" role="alert" data-testid="view-problem">
          {problem}
        </span>
      )}
      {dialog && (
        <ViewDialog
          model={model}
          title={
            dialog === 'update' && selected
              ? t('views.titleUpdate').replace('{name}', selected.name)
              : t('views.saveAs')
          }
          initial={{
            name: dialog === 'update' ? (selected?.name ?? '') : '',
            shared: dialog === 'update' ? Boolean(selected?.shared) : false,
            ...(layout ?? NO_VIEW_LAYOUT),
          }}
          canShare={canShare}
          saving={saving.loading}
          problem={saving.error?.message ?? null}
          onSave={(draft) => void save(draft).catch(() => undefined)}
          onClose={() => {
            saving.reset();
            setDialog(null);
          }}
        />
      )}
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </div>
  );
}
