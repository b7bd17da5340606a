import { ApolloProvider } from '@apollo/client';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { createApolloClient } from './apollo-client';
import { App } from './app';
import { I18nProvider, storedLocale } from './i18n/i18n';
import './styles.css';

let locale = storedLocale();
document.documentElement.lang = locale;
const client = createApolloClient(() => locale);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider onChange={(next) => (locale = next)}>
      <ApolloProvider client={client}>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </ApolloProvider>
    </I18nProvider>
  </StrictMode>,
);
