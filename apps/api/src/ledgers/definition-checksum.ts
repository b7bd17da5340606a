import { createHash } from 'node:crypto';
import { canonicalJson } from '@taizhang/ledger-core';

/** Key order does not make a new version: the checksum is over the sorted JSON. */
export const definitionChecksum = (definition: unknown) =>
  createHash('sha256').update(canonicalJson(definition)).digest('hex');
