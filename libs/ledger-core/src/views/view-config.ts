import { message, type Message } from '../definition/message';
import type { LedgerModel } from '../definition/ledger-model';

/**
 * A saved view of a ledger's grid (docs/views.md): the rows query's filter and orderBy, and the
 * column layout — which columns are hidden, the order they stand in, how many are frozen at the
 * left, the rows' height. The API keeps it as JSON (`View.config`) and checks it against the
 * ledger's current definition with `checkViewConfig`; the grid reads it with `viewConfigFor`,
 * which drops what a later definition no longer has.
 */
export interface ViewConfig {
  /** The `rows` query's filter, as it takes it: `{ field: value }` or `{ field: { eq, in, … } }`. */
  filter: Record<string, unknown>;
  orderBy: { field: string; desc: boolean }[];
  /** Field keys not shown. */
  hidden: string[];
  /** Field keys in the order shown (may be partial: the others follow, as column-layout.ts places them). */
  order: string[];
  /** Columns frozen at the left (0: none). */
  frozen: number;
  /** Rows' height in px; null: the grid's own. */
  rowHeight: number | null;
}

export const VIEW_CONFIG_KEYS = ['filter', 'orderBy', 'hidden', 'order', 'frozen', 'rowHeight'] as const;

export const VIEW_LIMITS = {
  /** A view's name, in characters. */
  name: 60,
  /** Personal views of one user and one ledger. */
  personalPerLedger: 50,
  /** Shared views of one ledger. */
  sharedPerLedger: 50,
  /** The config as JSON text, in characters. */
  configChars: 20_000,
  /** Fields in the filter, and sort columns. */
  filterFields: 50,
  orderBy: 5,
  frozen: 10,
  rowHeight: { min: 20, max: 200 },
} as const;

export const EMPTY_VIEW_CONFIG: ViewConfig = {
  filter: {},
  orderBy: [],
  hidden: [],
  order: [],
  frozen: 1,
  rowHeight: null,
};

export interface ViewConfigProblem {
  /** A JSON pointer into the config, e.g. /hidden/2. */
  path: string;
  message: Message;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The config as given, checked for its shape and against the ledger's fields: unknown keys,
 * unknown or repeated columns, sizes out of bounds are each a problem naming them. The filter's
 * operators and values are the rows query's to judge (the API runs its own filter check on it).
 * `config` holds the config with defaults filled in when there is no problem.
 */
export function checkViewConfig(
  model: LedgerModel,
  raw: unknown,
): { config: ViewConfig | null; problems: ViewConfigProblem[] } {
  const problems: ViewConfigProblem[] = [];
  const problem = (path: string, zh: string, en: string) => problems.push({ path, message: message(zh, en) });
  if (!isObject(raw)) {
    problem('', '视图设置应为对象', 'The view config must be an object');
    return { config: null, problems };
  }
  const size = JSON.stringify(raw).length;
  if (size > VIEW_LIMITS.configChars) {
    problem(
      '',
      `视图设置过大（${size} 字符，至多 ${VIEW_LIMITS.configChars}）`,
      `The view config is too large (${size} characters, at most ${VIEW_LIMITS.configChars})`,
    );
    return { config: null, problems };
  }
  for (const key of Object.keys(raw))
    if (!(VIEW_CONFIG_KEYS as readonly string[]).includes(key))
      problem(
        `/${key}`,
        `视图设置没有「${key}」这一项（可用：${VIEW_CONFIG_KEYS.join('、')}）`,
        `The view config has no "${key}" (one of ${VIEW_CONFIG_KEYS.join(', ')})`,
      );
  const config: ViewConfig = { ...EMPTY_VIEW_CONFIG };

  if (raw.filter !== undefined && raw.filter !== null) {
    if (!isObject(raw.filter)) problem('/filter', '筛选条件应为对象', 'The filter must be an object');
    else if (Object.keys(raw.filter).length > VIEW_LIMITS.filterFields)
      problem(
        '/filter',
        `筛选条件至多 ${VIEW_LIMITS.filterFields} 个字段`,
        `The filter may name at most ${VIEW_LIMITS.filterFields} fields`,
      );
    else config.filter = raw.filter;
  }

  if (raw.orderBy !== undefined && raw.orderBy !== null) {
    if (!Array.isArray(raw.orderBy)) problem('/orderBy', '排序应为列表', 'orderBy must be a list');
    else if (raw.orderBy.length > VIEW_LIMITS.orderBy)
      problem('/orderBy', `至多按 ${VIEW_LIMITS.orderBy} 列排序`, `Sort by at most ${VIEW_LIMITS.orderBy} columns`);
    else {
      config.orderBy = [];
      raw.orderBy.forEach((order: unknown, i) => {
        if (
          !isObject(order) ||
          typeof order.field !== 'string' ||
          !['undefined', 'boolean'].includes(typeof order.desc)
        )
          problem(`/orderBy/${i}`, '排序项应为 { field, desc }', 'A sort is { field, desc }');
        else if (Object.keys(order).some((k) => k !== 'field' && k !== 'desc'))
          problem(`/orderBy/${i}`, '排序项只有 field 和 desc', 'A sort has only field and desc');
        else config.orderBy.push({ field: order.field, desc: order.desc === true });
      });
    }
  }

  for (const key of ['hidden', 'order'] as const) {
    const list = raw[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      problem(`/${key}`, `${key} 应为字段名的列表`, `${key} must be a list of field keys`);
      continue;
    }
    const seen = new Set<string>();
    list.forEach((item: unknown, i) => {
      if (typeof item !== 'string') problem(`/${key}/${i}`, '应为字段名', 'Must be a field key');
      else if (!model.byKey.has(item))
        problem(`/${key}/${i}`, `台账没有「${item}」这一列`, `The ledger has no column "${item}"`);
      else if (seen.has(item)) problem(`/${key}/${i}`, `「${item}」重复`, `"${item}" is repeated`);
      else seen.add(item);
    });
    config[key] = [...seen];
  }
  if (config.hidden.length > 0 && config.hidden.length >= model.fields.length)
    problem('/hidden', '至少要显示一列', 'At least one column must be shown');

  const integer = (key: 'frozen' | 'rowHeight', min: number, max: number): number | undefined => {
    const value = raw[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problem(`/${key}`, `${key} 应为 ${min} 至 ${max} 的整数`, `${key} must be a whole number from ${min} to ${max}`);
      return undefined;
    }
    return value;
  };
  config.frozen = integer('frozen', 0, VIEW_LIMITS.frozen) ?? config.frozen;
  config.rowHeight = integer('rowHeight', VIEW_LIMITS.rowHeight.min, VIEW_LIMITS.rowHeight.max) ?? null;

  return { config: problems.length === 0 ? config : null, problems };
}

/**
 * A saved config as the grid applies it under the ledger's definition now: columns, sorts and
 * filter fields a later definition removed are left out (the view was valid when saved); a config
 * that cannot be read at all is the grid's default.
 */
export function viewConfigFor(model: LedgerModel, raw: unknown): ViewConfig {
  if (!isObject(raw)) return EMPTY_VIEW_CONFIG;
  const keys = (list: unknown): string[] =>
    Array.isArray(list)
      ? [...new Set(list.filter((k): k is string => typeof k === 'string' && model.byKey.has(k)))]
      : [];
  const filter = isObject(raw.filter)
    ? Object.fromEntries(Object.entries(raw.filter).filter(([key]) => model.byKey.has(key)))
    : {};
  const orderBy = Array.isArray(raw.orderBy)
    ? raw.orderBy
        .filter((o): o is { field: string; desc?: unknown } => isObject(o) && typeof o.field === 'string')
        .filter((o) => model.byKey.has(o.field))
        .map((o) => ({ field: o.field, desc: o.desc === true }))
    : [];
  const bounded = (value: unknown, min: number, max: number) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : null;
  const hidden = keys(raw.hidden);
  return {
    filter,
    orderBy,
    hidden: hidden.length >= model.fields.length ? [] : hidden,
    order: keys(raw.order),
    frozen: bounded(raw.frozen, 0, VIEW_LIMITS.frozen) ?? EMPTY_VIEW_CONFIG.frozen,
    rowHeight: bounded(raw.rowHeight, VIEW_LIMITS.rowHeight.min, VIEW_LIMITS.rowHeight.max),
  };
}
