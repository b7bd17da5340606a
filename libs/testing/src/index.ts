export * from './free-port';
export * from './test-database';
export * from './graphql-client';
export * from './product-server';
export * from './chromium';
export * from './browser-product';
