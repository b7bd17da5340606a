import {
  checkName,
  fieldIdOf,
  foreignKeyName,
  tableNameOf,
  textOf,
  uniqueIndexName,
  type FieldDefinition,
  type LedgerModel,
} from '@taizhang/ledger-core';
import { problem, type RowProblemText } from './row-write';

/** A PostgreSQL error, as node-postgres gives it. */
interface DatabaseError {
  code?: string;
  constraint?: string;
  column?: string;
}

/** SQLSTATE class 23: a row the database refused (not null, foreign key, unique, check). */
export function isIntegrityViolation(error: unknown): error is DatabaseError {
  return typeof error === 'object' && error !== null && /^23/.test(String((error as DatabaseError).code ?? ''));
}

/** The field a refused row's error names: by the column (not null) or by our constraint names. */
function fieldOf(model: LedgerModel, error: DatabaseError): FieldDefinition | undefined {
  if (error.column) return model.byKey.get(error.column);
  const table = tableNameOf(model.definition.key);
  const named = error.constraint;
  if (!named) return undefined;
  return model.fields.find((field) => {
    const id = fieldIdOf(field);
    return (
      named === foreignKeyName(table, id) ||
      named === uniqueIndexName(table, id) ||
      named.startsWith(checkName(table, id, 0).replace(/_0$/, '_'))
    );
  });
}

/**
 * What the database refused, as the row's problem: the field it names and the reason in both
 * languages (never the raw database text).
 */
export function constraintProblem(model: LedgerModel, error: DatabaseError): RowProblemText {
  const field = fieldOf(model, error);
  const path = field?.key ?? '';
  const zh = field ? `「${textOf(field.title)}」` : '这一行';
  const en = field ? `"${textOf(field.title, 'en')}"` : 'The row';
  switch (error.code) {
    case '23502':
      return problem(path, `${zh}必须填写`, `${en} is required`);
    case '23503':
      return problem(path, `${zh}引用的行不存在或不属于本单位`, `${en} refers to a row that is not this unit's`);
    case '23505':
      return problem(path, `${zh}与本单位已有的一行重复`, `${en} repeats a row of this unit`);
    case '23514':
      return problem(path, `${zh}的值不符合台账的规定`, `${en} breaks a rule of the ledger`);
    default:
      return problem(
        path,
        `${zh}未能保存：数据不符合台账的约束`,
        `${en} was not saved: it breaks a constraint of the ledger`,
      );
  }
}
