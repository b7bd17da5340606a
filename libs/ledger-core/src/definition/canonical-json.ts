/**
 * A value as JSON with every object's keys sorted (and `$schema` left out): two definitions, or two
 * parts of them, are the same whatever order their keys were written in. The API's version
 * checksum is over it; the designer compares versions with it.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => k !== '$schema')
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export const sameJson = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
