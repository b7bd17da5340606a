/**
 * Sending hostile requests and judging the answers. "Clear" is defined from what the API really
 * sends (docs/api.md, Errors): a status below 500, a JSON body, and for a refusal `errors[]`
 * whose every entry has a code of the contract, a non-empty message in Chinese (the default
 * language), and no stack trace or source path.
 */

/** The contract's codes (../shared/api-contract.graphql), minus INTERNAL: an internal error is never clear. */
export const CLEAR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'LOCKED',
  'RATE_LIMITED',
] as const;

export interface Answer {
  status: number;
  contentType: string;
  text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface HttpRequest {
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | FormData;
}

export async function send(baseUrl: string, request: HttpRequest): Promise<Answer> {
  const response = await fetch(`${baseUrl}${request.path}`, {
    method: request.method ?? 'POST',
    headers: request.headers,
    body: request.body,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, json };
}

/** A GraphQL request as any client would send it: JSON, a bearer token. */
export function graphql(query: string, variables: unknown = {}, token?: string): HttpRequest {
  return {
    path: '/graphql',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  };
}

const CHINESE = /[\u4e00-\u9fff]/;
/** "    at fn (/path/file.js:12:5)" or a path into the code: what a stack trace leaks. */
const STACK = /\n\s+at .+:\d+:\d+|node_modules\/|\/dist\/api\//;

export class UnclearAnswer extends Error {
  constructor(why: string, answer: Answer) {
    super(`${why}\n  status ${answer.status} ${answer.contentType}\n  body ${answer.text.slice(0, 600)}`);
  }
}

interface ErrorEntry {
  message?: unknown;
  extensions?: { code?: unknown; reason?: unknown; stacktrace?: unknown };
}

/** The common part of every judgement: not a server error, JSON, no stack trace. */
function judgeEnvelope(answer: Answer): Record<string, unknown> {
  if (answer.status >= 500) throw new UnclearAnswer('a server error', answer);
  if (!answer.contentType.includes('application/json') || answer.json === undefined)
    throw new UnclearAnswer('not a JSON answer', answer);
  if (STACK.test(answer.text)) throw new UnclearAnswer('a stack trace or source path in the answer', answer);
  if (answer.json === null || typeof answer.json !== 'object') throw new UnclearAnswer('not a JSON object', answer);
  return answer.json as Record<string, unknown>;
}

/**
 * A refusal: every error clear. Returns "code/reason" of the first error, for the tally.
 * `notFor` lists reasons that would mean the test's own request was wrong (a well-formed request
 * refused as GRAPHQL_VALIDATION_FAILED never reached the check it was aimed at).
 */
export function judgeRefusal(answer: Answer, notFor: string[] = []): string {
  const body = judgeEnvelope(answer);
  const errors = body.errors as ErrorEntry[] | undefined;
  if (!Array.isArray(errors) || errors.length === 0) throw new UnclearAnswer('no errors[] in a refusal', answer);
  if (body.data !== undefined && body.data !== null) throw new UnclearAnswer('data beside the errors', answer);
  for (const error of errors) {
    const code = error.extensions?.code;
    if (typeof code !== 'string' || !(CLEAR_CODES as readonly string[]).includes(code))
      throw new UnclearAnswer(`extensions.code ${String(code)} is not a clear code`, answer);
    if (typeof error.message !== 'string' || error.message.trim() === '')
      throw new UnclearAnswer('an empty message', answer);
    if (!CHINESE.test(error.message)) throw new UnclearAnswer('a message without Chinese', answer);
    if (error.extensions?.stacktrace !== undefined) throw new UnclearAnswer('a stacktrace extension', answer);
  }
  const first = errors[0].extensions!;
  if (typeof first.reason === 'string' && notFor.includes(first.reason))
    throw new UnclearAnswer(`refused as ${first.reason}, before the check this request is aimed at`, answer);
  return typeof first.reason === 'string' ? `${String(first.code)}/${first.reason}` : String(first.code);
}

/** An answer with data and no errors; returns the data. */
export function judgeData<T>(answer: Answer): T {
  const body = judgeEnvelope(answer);
  if (body.errors !== undefined) throw new UnclearAnswer('errors where data was expected', answer);
  if (body.data === undefined || body.data === null) throw new UnclearAnswer('no data', answer);
  return body.data as T;
}

interface RowResult {
  status: string;
  errors: { path: string; message: string }[] | null;
}

/**
 * A saveRows answer in which nothing was saved and every row was rejected, each naming the
 * field (or key) that was wrong.
 */
export function judgeRejectedRows(answer: Answer, fieldOfRow: (index: number) => string): string {
  const data = judgeData<{ saveRows: { saved: number; results: RowResult[] } }>(answer);
  const { saved, results } = data.saveRows;
  if (saved !== 0) throw new UnclearAnswer(`${saved} row(s) saved from hostile input`, answer);
  results.forEach((result, index) => {
    if (result.status !== 'REJECTED') throw new UnclearAnswer(`row ${index} is ${result.status}`, answer);
    const field = fieldOfRow(index);
    if (!result.errors?.some((e) => e.path === field))
      throw new UnclearAnswer(`row ${index}'s rejection does not name "${field}"`, answer);
    for (const e of result.errors) {
      if (!CHINESE.test(e.message)) throw new UnclearAnswer(`row ${index}: a message without Chinese`, answer);
    }
  });
  return 'REJECTED (per row, naming the field)';
}
