import { createHash } from 'node:crypto';

/** Key order does not make a new version: the checksum is over the sorted JSON. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => k !== '$schema')
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export const definitionChecksum = (definition: unknown) =>
  createHash('sha256').update(canonical(definition)).digest('hex');
