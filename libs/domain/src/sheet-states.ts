import type { LocalizedText } from './locale';

/**
 * A unit's sheet of a period, as the board, the grid and the exports name it. One list of words
 * for the screen (apps/web i18n) and the files (the board's Excel/CSV): a leader who reads 草稿 on
 * the board reads 草稿 in the export.
 */
export const SHEET_STATES = ['NOT_STARTED', 'DRAFT', 'SUBMITTED', 'SUBMITTED_LATE', 'RETURNED'] as const;
export type SheetStateName = (typeof SHEET_STATES)[number];

export const SHEET_STATE_LABELS: Record<SheetStateName, LocalizedText> = {
  NOT_STARTED: { 'zh-CN': '未开始', en: 'Not started' },
  DRAFT: { 'zh-CN': '草稿', en: 'Draft' },
  SUBMITTED: { 'zh-CN': '已提交', en: 'Submitted' },
  SUBMITTED_LATE: { 'zh-CN': '已提交（逾期）', en: 'Submitted late' },
  RETURNED: { 'zh-CN': '已退回', en: 'Returned' },
};
