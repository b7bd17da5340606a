export * from './free-port';
export * from './test-database';
export * from './graphql-client';
export * from './product-server';
export * from './chromium';
export * from './api-product';
export * from './browser-product';
export * from './clerk-load';
