/**
 * A message with its values: `{name}` becomes the value, and `{name|one|other}` the English form
 * for that count — `'{n} {n|error|errors}'` reads "1 error", "2 errors". Chinese messages need no
 * plural forms; the same syntax would work there too.
 */
export function fillMessage(message: string, values: Record<string, string | number>): string {
  return message.replace(
    /\{(\w+)(?:\|([^|{}]*)\|([^|{}]*))?\}/g,
    (whole, name: string, one?: string, other?: string) => {
      if (!(name in values)) return whole;
      const value = values[name];
      if (one === undefined) return String(value);
      return Number(value) === 1 ? one : (other ?? '');
    },
  );
}
