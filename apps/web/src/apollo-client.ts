import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { setContext } from '@apollo/client/link/context';
import type { Locale } from '@taizhang/domain';

/**
 * The API is on the same origin; the session is the httpOnly cookie, so no token is kept in
 * script-readable storage. Every request says the interface language, and the API answers its
 * error messages in it.
 */
export function createApolloClient(currentLocale: () => Locale) {
  const withLanguage = setContext((_, { headers }) => ({
    headers: { ...headers, 'Accept-Language': currentLocale() === 'en' ? 'en' : 'zh-CN' },
  }));
  return new ApolloClient({
    link: withLanguage.concat(new HttpLink({ uri: '/graphql', credentials: 'same-origin' })),
    cache: new InMemoryCache({
      typePolicies: {
        // rows of different ledgers share ids: a link to a row is that row of that ledger
        RowLink: { keyFields: ['ledger', 'id'] },
      },
    }),
  });
}
