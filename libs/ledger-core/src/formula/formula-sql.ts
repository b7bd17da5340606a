import { quoteIdent } from '../compile/sql-names';
import { FIELD_TYPE_REGISTRY, type FieldType } from '../field-types/registry';
import type { ValueKind } from '../field-types/field-type';
import { message } from '../definition/message';
import type { FormulaNode } from './formula-ast';
import { parseCheckedFormula } from './formula-compile';
import { FormulaSyntaxError } from './formula-errors';
import { isCrossPeriodCall } from './formula-functions';

/**
 * A formula as an SQL expression over a ledger table, for what must run in the database: the
 * countWhere measures of statistics over a million rows. The same semantics as the evaluator —
 * SQL's three-valued logic is the formula language's — with values always as parameters.
 */
export interface SqlContext {
  /** The table alias whose columns the fields are. */
  alias: string;
  types: Record<string, FieldType>;
  /** Where the parameters go; the expression names them $n. */
  params: unknown[];
  /** today() and now(): the caller's clock, not the database's. */
  now: Date;
}

const SHANGHAI_DAY = (now: Date) => new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

export function formulaToSql(source: string, context: SqlContext): string {
  return toSql(parseCheckedFormula(source), context);
}

function param(context: SqlContext, value: unknown, cast: string): string {
  context.params.push(value);
  return `$${context.params.length}::${cast}`;
}

/** What a field node's value is, by its type; undefined for anything else. */
function kindOf(node: FormulaNode, context: SqlContext): ValueKind | undefined {
  if (node.kind !== 'field' || !Object.hasOwn(context.types, node.name)) return undefined;
  return FIELD_TYPE_REGISTRY[context.types[node.name]]?.valueKind;
}

function isText(node: FormulaNode, context: SqlContext): boolean {
  if (node.kind === 'literal') return typeof node.value === 'string';
  return kindOf(node, context) === 'text';
}

/** Dates and datetimes compare as instants; a date stands for its midnight in Asia/Shanghai. */
function asInstant(sql: string, node: FormulaNode, context: SqlContext): string {
  if (kindOf(node, context) === 'date') return `(${sql}::timestamp AT TIME ZONE 'Asia/Shanghai')`;
  return sql;
}

function asDay(sql: string, node: FormulaNode, context: SqlContext): string {
  if (kindOf(node, context) === 'datetime') return `(${sql} AT TIME ZONE 'Asia/Shanghai')::date`;
  return `(${sql})::date`;
}

function toSql(node: FormulaNode, context: SqlContext): string {
  switch (node.kind) {
    case 'literal':
      if (node.value === null) return 'NULL';
      if (typeof node.value === 'boolean') return node.value ? 'TRUE' : 'FALSE';
      return typeof node.value === 'number'
        ? param(context, node.value, 'numeric')
        : param(context, node.value, 'text');
    case 'field':
      return `${context.alias}.${quoteIdent(node.name)}`;
    case 'not':
      return `(NOT ${toSql(node.operand, context)})`;
    case 'negate':
      return `(-${toSql(node.operand, context)})`;
    case 'logical':
      return `(${toSql(node.left, context)} ${node.operator.toUpperCase()} ${toSql(node.right, context)})`;
    case 'comparison': {
      const kinds = [kindOf(node.left, context), kindOf(node.right, context)];
      const temporal = kinds.includes('date') || kinds.includes('datetime');
      const mixed = kinds.includes('date') && kinds.includes('datetime');
      let left = toSql(node.left, context);
      let right = toSql(node.right, context);
      if (mixed) {
        left = asInstant(left, node.left, context);
        right = asInstant(right, node.right, context);
      } else if (temporal) {
        // a date field against a "YYYY-MM-DD" literal or today(): compare as dates
        const dateSide = [node.left, node.right].find((n) => kindOf(n, context) === 'date');
        if (dateSide) {
          left = node.left === dateSide ? left : `(${left})::date`;
          right = node.right === dateSide ? right : `(${right})::date`;
        }
      }
      const operator = node.operator === '!=' ? '<>' : node.operator;
      return `(${left} ${operator} ${right})`;
    }
    case 'arithmetic': {
      const left = toSql(node.left, context);
      const right = toSql(node.right, context);
      if (node.operator === '+' && (isText(node.left, context) || isText(node.right, context)))
        return `(${left} || ${right})`;
      if (node.operator === '/') return `(${left}::numeric / NULLIF(${right}, 0))`;
      return `(${left} ${node.operator} ${right})`;
    }
    case 'call':
      // a value of another period of the row's unit is what the write pipeline gathers for a rule, not a column
      if (isCrossPeriodCall(node))
        throw new FormulaSyntaxError(
          node.position,
          message(
            `函数 ${node.name} 只能用于校验规则，不能用于 SQL 筛选（统计条件）`,
            `${node.name}() is only for rules, not for SQL filters (statistics conditions)`,
          ),
        );
      return callSql(node.name, node.args, context);
    default: {
      const unhandled: never = node;
      throw new Error(`unhandled formula node ${JSON.stringify(unhandled)}`);
    }
  }
}

function callSql(name: string, args: FormulaNode[], context: SqlContext): string {
  const sql = args.map((arg) => toSql(arg, context));
  switch (name) {
    case 'if':
      return `(CASE WHEN ${sql[0]} THEN ${sql[1]} ELSE ${sql[2]} END)`;
    case 'coalesce':
      return `COALESCE(${sql.join(', ')})`;
    case 'isblank': {
      if (kindOf(args[0], context) === 'list') return `(${sql[0]} IS NULL OR cardinality(${sql[0]}) = 0)`;
      if (kindOf(args[0], context) === 'files') return `(${sql[0]} IS NULL OR jsonb_array_length(${sql[0]}) = 0)`;
      return `(${sql[0]} IS NULL OR ${sql[0]}::text = '')`;
    }
    case 'hours':
      return `(extract(epoch FROM (${asInstant(sql[1], args[1], context)} - ${asInstant(sql[0], args[0], context)})) / 3600)`;
    case 'days':
      return `(${asDay(sql[1], args[1], context)} - ${asDay(sql[0], args[0], context)})`;
    case 'adddays':
      return `(${asDay(sql[0], args[0], context)} + (${sql[1]})::int)`;
    case 'today':
      return param(context, SHANGHAI_DAY(context.now), 'date');
    case 'now':
      return param(context, context.now.toISOString(), 'timestamptz');
    case 'round':
      return `round((${sql[0]})::numeric, ${sql[1] ?? '0'}::int)`;
    case 'abs':
      return `abs(${sql[0]})`;
    case 'min':
      return `LEAST(${sql.join(', ')})`;
    case 'max':
      return `GREATEST(${sql.join(', ')})`;
    case 'len':
      return `char_length(${sql[0]})`;
    case 'count':
      if (kindOf(args[0], context) === 'files') return `coalesce(jsonb_array_length(${sql[0]}), 0)`;
      return `coalesce(cardinality(${sql[0]}), 0)`;
    case 'contains': {
      // as the evaluator: nothing to look in is false; nothing to look for is unknown
      if (kindOf(args[0], context) === 'list')
        return `(CASE WHEN ${sql[0]} IS NULL THEN FALSE ELSE ${sql[1]}::text = ANY(${sql[0]}) END)`;
      if (kindOf(args[0], context) === 'files')
        return `(CASE WHEN ${sql[0]} IS NULL THEN FALSE ELSE EXISTS (SELECT 1 FROM jsonb_array_elements(${sql[0]}) AS f WHERE f->>'name' = ${sql[1]}::text) END)`;
      return `(CASE WHEN ${sql[0]} IS NULL THEN FALSE ELSE position(${sql[1]}::text IN ${sql[0]}::text) > 0 END)`;
    }
    default:
      throw new Error(`no SQL for the function ${name}`);
  }
}
