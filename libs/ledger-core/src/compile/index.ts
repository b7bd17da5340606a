export * from './sql-names';
export * from './table-state';
export * from './diff-table';
export * from './table-change-sql';
export * from './daily-sums';
export * from './row-search';
