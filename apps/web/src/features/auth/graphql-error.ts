import type { ApolloError } from '@apollo/client';

/** The message to show for a failed request: the server's (already in the user's language). */
export function errorMessage(error: ApolloError, networkFallback: string): string {
  const first = error.graphQLErrors[0];
  if (first) return first.message;
  return networkFallback;
}

export function isUnauthenticated(error: ApolloError | undefined): boolean {
  return Boolean(error?.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED'));
}
