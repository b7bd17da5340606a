import {
  Injectable,
  Logger,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { from, mergeMap, type Observable } from 'rxjs';
import type { DataSource } from 'typeorm';
import type { GraphQLContext } from '../identity/principal';

/**
 * The admin's own actions in the audit log: a mutation marked `@AdminAction(…)` is recorded in
 * `admin_events` (migration 1765300000500) after it succeeded — who, when, what it was done to
 * (named as it was called at that moment), and what was set, with passwords, secrets and tokens
 * left out. One decorator beside each mutation, one interceptor for all of them, so a new admin
 * mutation is audited by saying so where it is declared.
 *
 * The entry is written after the mutation's own transaction has committed: a failure to write it
 * is logged and does not turn a done change into an error (the change stands either way).
 */

/** What an admin's action is done to; each kind names its target from its own table. */
export type AdminTargetKind = 'user' | 'unit' | 'api_token' | 'webhook' | 'ledger' | 'setting' | 'view';

export const ADMIN_ACTIONS = [
  'user_created',
  'user_changed',
  'password_reset',
  'unit_created',
  'unit_changed',
  'setting_changed',
  'api_token_created',
  'api_token_revoked',
  'webhook_created',
  'webhook_deleted',
  'ledger_published',
  'view_saved',
  'view_deleted',
  'view_default_set',
] as const;
export type AdminActionName = (typeof ADMIN_ACTIONS)[number];

type Args = Record<string, unknown>;

export interface AdminActionSpec {
  action: AdminActionName;
  target: AdminTargetKind;
  /** The target's id: from the arguments (an existing target), or from the result (a new one). */
  targetId: (args: Args, result: unknown) => unknown;
  /** What was set, as the log shows it (default: the `input` argument); secrets are dropped anyway. */
  detail?: (args: Args, result: unknown) => Record<string, unknown> | null;
}

const ADMIN_ACTION_KEY = 'taizhang:admin-action';

/** Records this mutation in the audit log once it has succeeded. */
export const AdminAction = (spec: AdminActionSpec) => SetMetadata(ADMIN_ACTION_KEY, spec);

/** Keys whose values never reach the log. */
const SECRET_KEY = /password|secret|token$/i;

/** A copy of a value without its secrets, at any depth. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key, v]) => !SECRET_KEY.test(key) && v !== undefined)
      .map(([key, v]) => [key, withoutSecrets(v)]),
  );
}

/**
 * The target's name, unit and ledger as its table says now, by kind; $1 is the id as text.
 * `logged` is false for a target whose changes are not an admin's action: a personal view (only a
 * shared view, which an admin publishes for every filler, is).
 */
const TARGET_SQL: Record<AdminTargetKind, string> = {
  user: `SELECT username AS name, unit_id, NULL AS ledger_key, true AS logged FROM users WHERE id::text = $1`,
  unit: `SELECT name, id AS unit_id, NULL AS ledger_key, true AS logged FROM units WHERE id::text = $1`,
  api_token: `SELECT name, unit_id, NULL AS ledger_key, true AS logged FROM api_tokens WHERE id::text = $1`,
  webhook: `SELECT url AS name, NULL::integer AS unit_id, NULL AS ledger_key, true AS logged FROM webhooks WHERE id::text = $1`,
  ledger: `SELECT $1::text AS name, NULL::integer AS unit_id, $1::text AS ledger_key, true AS logged`,
  setting: `SELECT $1::text AS name, NULL::integer AS unit_id, NULL AS ledger_key, true AS logged`,
  view: `SELECT name, NULL::integer AS unit_id, ledger_key, shared AS logged FROM ledger_views WHERE id::text = $1`,
};

interface Target {
  name: string | null;
  unitId: number | null;
  ledgerKey: string | null;
  /** Null: no such target (not yet made, or gone). */
  logged: boolean | null;
}

@Injectable()
export class AdminAuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('AdminAudit');

  constructor(
    private readonly reflector: Reflector,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<AdminActionSpec | undefined>(ADMIN_ACTION_KEY, context.getHandler());
    if (!spec || context.getType<string>() !== 'graphql') return next.handle();
    const gql = GqlExecutionContext.create(context);
    const args = gql.getArgs<Args>();
    const principal = gql.getContext<GraphQLContext>().req.principal;
    // an existing target is named before the change (a deleted webhook still has its address)
    const before = from(this.target(spec, spec.targetId(args, undefined)));
    return before.pipe(
      mergeMap((earlier) =>
        next.handle().pipe(
          mergeMap(async (result: unknown) => {
            try {
              const id = spec.targetId(args, result);
              const later = await this.target(spec, id);
              // a target the log does not follow, before and after (a personal view): nothing to record
              if ((later.logged ?? earlier.logged) === false && earlier.logged !== true) return result;
              const target = {
                name: later.name ?? earlier.name,
                unitId: later.unitId ?? earlier.unitId,
                ledgerKey: later.ledgerKey ?? earlier.ledgerKey,
              };
              const detail = withoutSecrets(spec.detail ? spec.detail(args, result) : (args.input ?? null));
              await this.db.query(
                `INSERT INTO admin_events (user_id, api_token_id, action, target_kind, target_id, target_name, unit_id, ledger_key, detail)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
                [
                  principal?.userId ?? null,
                  principal?.apiToken?.id ?? null,
                  spec.action,
                  spec.target,
                  id === null || id === undefined ? null : String(id),
                  target.name,
                  target.unitId,
                  target.ledgerKey,
                  detail === null ? null : JSON.stringify(detail),
                ],
              );
            } catch (error) {
              this.logger.error(`could not record ${spec.action}: ${(error as Error).message}`);
            }
            return result;
          }),
        ),
      ),
    );
  }

  private async target(spec: AdminActionSpec, id: unknown): Promise<Target> {
    if (id === null || id === undefined || id === '')
      return { name: null, unitId: null, ledgerKey: null, logged: null };
    const [row] = (await this.db.query(TARGET_SQL[spec.target], [String(id)])) as {
      name: string | null;
      unit_id: number | null;
      ledger_key: string | null;
      logged: boolean;
    }[];
    return {
      name: row?.name ?? null,
      unitId: row?.unit_id ?? null,
      ledgerKey: row?.ledger_key ?? null,
      logged: row ? row.logged : null,
    };
  }
}
