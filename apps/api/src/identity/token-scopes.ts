import type { Role } from '@taizhang/domain';

/** What an API token may do (docs/integration.md, "What each scope may do"). */
export const TOKEN_SCOPES = ['STATISTICS_READ', 'ROWS_READ', 'UNIT_WRITE'] as const;
export type TokenScopeName = (typeof TOKEN_SCOPES)[number];

export function isTokenScope(value: string): value is TokenScopeName {
  return (TOKEN_SCOPES as readonly string[]).includes(value);
}

/**
 * The role a token acts in: the reading scopes read every unit as a leader does (read-only, values
 * redacted as for a leader), the unit scope works as a clerk of its unit (row-level security set
 * to that unit alone).
 */
export const ROLE_OF_SCOPE: Record<TokenScopeName, Role> = {
  STATISTICS_READ: 'leader',
  ROWS_READ: 'leader',
  UNIT_WRITE: 'clerk',
};

/** Figures and definitions: statistics, boards, survey results, units and ledger definitions. */
const STATISTICS = [
  'query:statistics',
  'query:ranking',
  'query:submissionBoard',
  'query:reconciliation',
  'query:surveyResults',
  'query:units',
  'query:unit',
  'query:ledgers',
  'query:ledger',
  'route:export/statistics/:file',
  'route:export/board/:file',
];

/** The rows of a ledger (its ledgers only: LedgerAccess narrows them), read-only. */
const ROW_READS = [
  'query:rows',
  'query:fieldValues',
  'query:referenceOptions',
  'query:followUpRows',
  'query:sheet',
  // which rows changed, as they change (docs/live.md): ids and versions, read through query:rows
  'subscription:rowsChanged',
  'route:export/:file',
  'route:attachments/:handle',
  'route:attachments/:handle/thumbnail',
];

/**
 * Every operation a token may call, per scope, in one place: the guard refuses anything else.
 * Nothing that manages users, tokens, ledgers or settings, nor a session's own operations (me,
 * changePassword, signOut), is on any list.
 */
export const TOKEN_OPERATIONS: Record<TokenScopeName, ReadonlySet<string>> = {
  STATISTICS_READ: new Set(STATISTICS),
  ROWS_READ: new Set([...STATISTICS, ...ROW_READS]),
  UNIT_WRITE: new Set([
    ...STATISTICS,
    ...ROW_READS,
    'query:deletedRows',
    'query:corrections',
    'mutation:saveRows',
    'mutation:restoreRow',
    'mutation:submitSheet',
    'mutation:withdrawSheet',
    'mutation:requestCorrection',
    'route:import/:ledger',
    'route:attachments',
  ]),
};
