export * from './locale';
export * from './roles';
export * from './unit-kinds';
export * from './error-codes';
export * from './password-policy';
export * from './file-import';
export * from './sheet-states';
export * from './webhook-events';
