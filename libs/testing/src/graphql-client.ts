/** A small GraphQL-over-HTTP client for tests: what another system would send. */
export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: {
    message: string;
    path?: string[];
    extensions?: { code?: string; reason?: string; errors?: { path: string; message: string }[]; stacktrace?: unknown };
  }[];
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  cookie?: string;
  language?: string;
  headers?: Record<string, string>;
}

export async function postGraphQL<T = Record<string, unknown>>(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: RequestOptions = {},
): Promise<GraphQLResponse<T>> {
  return postRaw<T>(baseUrl, JSON.stringify({ query, variables }), options);
}

export async function postRaw<T = Record<string, unknown>>(
  baseUrl: string,
  body: string,
  options: RequestOptions = {},
): Promise<GraphQLResponse<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.language) headers['accept-language'] = options.language;
  const response = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers, body });
  const text = await response.text();
  let parsed: { data?: T; errors?: GraphQLResponse<T>['errors'] } = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { errors: [{ message: text }] };
  }
  return { status: response.status, data: parsed.data, errors: parsed.errors, headers: response.headers };
}
