/**
 * The seed's daily report derives 当日办件量, 当日回访量 and 当日回访不满意量 from the window cases
 * (schemas/daily_followup.json, `derive`). Tests about sheets, rules, files and statistics that
 * need given figures set them by hand, as a clerk may: each with a reason (an override).
 */
export const DAILY_FIGURES = ['cases', 'follow_ups', 'dissatisfied'] as const;
export const HAND_REASON = '线下办件，按纸质台账填报';

/** A change with a reason for each derived figure it sets (one without figures is returned as it is). */
export function handTyped<T extends { values?: unknown }>(change: T): T & { reasons?: Record<string, string> } {
  const values = (change.values ?? {}) as Record<string, unknown>;
  const given = DAILY_FIGURES.filter((key) => values[key] !== undefined && values[key] !== null);
  if (given.length === 0) return change;
  return { ...change, reasons: Object.fromEntries(given.map((key) => [key, HAND_REASON])) };
}
