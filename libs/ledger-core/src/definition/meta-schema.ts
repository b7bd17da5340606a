import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
// The meta-schema lives in schemas/ beside the definitions it describes, where editors find it;
// it is data, not a project, so the boundary rule has nothing to say about it.
// eslint-disable-next-line @nx/enforce-module-boundaries
import metaSchema from '../../../../schemas/ledger.schema.json';
import { fieldMetaSchema } from './field-schema';
import { message, type Message } from './message';

/**
 * The meta-schema: schemas/ledger.schema.json, whose `$defs.field` is made from the field-type
 * registry (field-schema.ts; a test keeps the file equal to it). Compiled once.
 */
export const LEDGER_META_SCHEMA = { ...metaSchema, $defs: { ...metaSchema.$defs, field: fieldMetaSchema() } };

export interface DefinitionProblem {
  /** A JSON pointer into the definition, e.g. /fields/3/type. */
  path: string;
  message: Message;
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validateShape = ajv.compile(LEDGER_META_SCHEMA);

const IDENTIFIER_PATTERN = '^[a-z][a-z0-9_]{0,39}$';
const TYPE_NAMES: Record<string, [string, string]> = {
  string: ['文本', 'text'],
  number: ['数字', 'a number'],
  integer: ['整数', 'a whole number'],
  boolean: ['true 或 false', 'true or false'],
  object: ['对象', 'an object'],
  array: ['数组', 'an array'],
};

function typeName(type: unknown, index: 0 | 1): string {
  const names = (Array.isArray(type) ? type : [type]).map((t) => TYPE_NAMES[String(t)]?.[index] ?? String(t));
  return names.join(index === 0 ? '或' : ' or ');
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const part of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

function describe(error: ErrorObject, root: unknown): DefinitionProblem | null {
  const path = error.instancePath || '/';
  const params = error.params as Record<string, unknown>;
  const value = valueAt(root, error.instancePath);
  switch (error.keyword) {
    case 'required':
      return {
        path: `${error.instancePath}/${String(params.missingProperty)}`,
        message: message('缺少此必填项', 'is required'),
      };
    case 'additionalProperties':
      return {
        path: `${error.instancePath}/${String(params.additionalProperty)}`,
        message: message(
          `未知属性「${String(params.additionalProperty)}」`,
          `unknown property "${String(params.additionalProperty)}"`,
        ),
      };
    case 'enum': {
      if (/^\/fields\/\d+\/type$/.test(error.instancePath)) {
        return { path, message: message(`未知类型「${show(value)}」`, `unknown type "${show(value)}"`) };
      }
      const allowed = (params.allowedValues as unknown[]).map(String);
      return {
        path,
        message: message(
          `「${show(value)}」不是允许的值（可选：${allowed.join('、')}）`,
          `"${show(value)}" is not allowed (one of: ${allowed.join(', ')})`,
        ),
      };
    }
    case 'type':
      return { path, message: message(`应为${typeName(params.type, 0)}`, `must be ${typeName(params.type, 1)}`) };
    case 'pattern':
      if (params.pattern === IDENTIFIER_PATTERN) {
        return {
          path,
          message: message(
            `「${show(value)}」不是有效的标识：只能用小写字母、数字和下划线，以字母开头，最多 40 个字符`,
            `"${show(value)}" is not a valid identifier: lower-case letters, digits and _, starting with a letter, at most 40 characters`,
          ),
        };
      }
      return { path, message: message(`「${show(value)}」格式不正确`, `"${show(value)}" has the wrong format`) };
    case 'not':
      return {
        path,
        message: message(`「${show(value)}」是系统列名，不能用作字段标识`, `"${show(value)}" is a system column name`),
      };
    case 'anyOf':
      return { path, message: message('应为文本，或 { "zh": …, "en": … }', 'must be a text, or { "zh": …, "en": … }') };
    case 'minItems':
      return {
        path,
        message: message(`至少需要 ${String(params.limit)} 项`, `needs at least ${String(params.limit)} items`),
      };
    case 'maxItems':
      return { path, message: message(`最多 ${String(params.limit)} 项`, `at most ${String(params.limit)} items`) };
    case 'minLength':
      return {
        path,
        message: message(`至少 ${String(params.limit)} 个字符`, `at least ${String(params.limit)} characters`),
      };
    case 'maxLength':
      return {
        path,
        message: message(`最多 ${String(params.limit)} 个字符`, `at most ${String(params.limit)} characters`),
      };
    case 'minimum':
      return { path, message: message(`不能小于 ${String(params.limit)}`, `must be at least ${String(params.limit)}`) };
    case 'maximum':
      return { path, message: message(`不能大于 ${String(params.limit)}`, `must be at most ${String(params.limit)}`) };
    case 'uniqueItems':
      return { path, message: message('有重复项', 'has duplicate items') };
    case 'if':
    case 'const':
      return null; // the failed `then` reports the missing property itself
    default:
      return {
        path,
        message: message(`不符合定义规范（${error.keyword}）`, `does not match the meta-schema (${error.keyword})`),
      };
  }
}

/** Checks a definition's shape against the meta-schema: every problem, by JSON pointer. */
export function checkShape(input: unknown): DefinitionProblem[] {
  if (validateShape(input)) return [];
  const problems: DefinitionProblem[] = [];
  const seen = new Set<string>();
  const errors = validateShape.errors ?? [];
  const add = (problem: DefinitionProblem | null) => {
    const id = problem && `${problem.path} ${problem.message.en}`;
    if (problem && id && !seen.has(id)) {
      seen.add(id);
      problems.push(problem);
    }
  };
  for (const error of errors) {
    // the branches of anyOf fail by design; the anyOf error says it once
    if (error.schemaPath.includes('/anyOf/')) continue;
    if (error.keyword === 'anyOf') {
      // …unless the value took a branch's form and failed only inside it (a text too long: its limit)
      const inBranch = errors.filter(
        (e) =>
          e.schemaPath.includes('/anyOf/') &&
          e.keyword !== 'type' &&
          (e.instancePath === error.instancePath || e.instancePath.startsWith(`${error.instancePath}/`)),
      );
      if (inBranch.length > 0) {
        for (const e of inBranch) add(describe(e, input));
        continue;
      }
    }
    add(describe(error, input));
  }
  return problems;
}
