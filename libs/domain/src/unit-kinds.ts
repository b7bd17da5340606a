import type { LocalizedText } from './locale';

/**
 * The three kinds of unit named by the seed document: 各乡镇行政审批服务中心, 局属各股室,
 * 县政务服务中心各窗口单位. Ledger definitions name these keys in "who fills it".
 */
export const UNIT_KINDS = ['township_centre', 'bureau_section', 'service_window'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const UNIT_KIND_LABELS: Record<UnitKind, LocalizedText> = {
  township_centre: { 'zh-CN': '乡镇行政审批服务中心', en: 'Township approval centre' },
  bureau_section: { 'zh-CN': '局属股室', en: 'Bureau section' },
  service_window: { 'zh-CN': '政务服务中心窗口', en: 'Service hall window' },
};

export function isUnitKind(value: unknown): value is UnitKind {
  return typeof value === 'string' && (UNIT_KINDS as readonly string[]).includes(value);
}

/** A unit's public code: short, stable, safe in a URL (/s/<code>). */
export const UNIT_CODE_PATTERN = /^[a-z][a-z0-9-]{1,15}$/;
