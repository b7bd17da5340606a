/** An option of a pick-many list: the stored value and its label in the interface language. */
export interface ChoiceOption {
  value: string;
  label: string;
}

/**
 * The options a pick-many editor lists for what was typed into its search box: all of them for
 * nothing typed; else those whose value is what was typed (a survey's letter code, "A"), then
 * those whose label starts with it, then those whose label contains it — in the definition's
 * order within each group, case and width of Latin letters ignored.
 */
export function filterChoices(options: readonly ChoiceOption[], query: string): ChoiceOption[] {
  const typed = fold(query);
  if (typed === '') return [...options];
  const byValue = options.filter((o) => fold(o.value) === typed);
  const starts = options.filter((o) => !byValue.includes(o) && fold(o.label).startsWith(typed));
  const contains = options.filter((o) => !byValue.includes(o) && !starts.includes(o) && fold(o.label).includes(typed));
  return [...byValue, ...starts, ...contains];
}

/** Full-width letters and digits (from a Chinese input method) read as their ASCII forms; case ignored. */
function fold(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase();
}

/** One option picked or unpicked, keeping the order things were picked in. */
export function togglePicked(picked: readonly string[], value: string): string[] {
  return picked.includes(value) ? picked.filter((v) => v !== value) : [...picked, value];
}

/** The values a multichoice cell holds, as a list (anything else — text kept as typed — is none). */
export function pickedValues(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
