/** An option of a pick-many list: the stored value and its label in the interface language. */
export interface ChoiceOption {
  value: string;
  label: string;
}

/**
 * The options a pick-many editor lists for what was typed into its search box: all of them for
 * nothing typed; else those whose value is what was typed (a survey's letter code, "A"), then
 * those whose label starts with it, then those whose label contains it, then — for Latin letters
 * typed at a Chinese label — those whose pinyin initials start with or contain it (fwtd → 服务态度不好),
 * in the definition's order within each group, case and width of Latin letters ignored.
 */
export function filterChoices(options: readonly ChoiceOption[], query: string): ChoiceOption[] {
  const typed = fold(query);
  if (typed === '') return [...options];
  const found: ChoiceOption[] = [];
  const add = (match: (o: ChoiceOption) => boolean) => {
    for (const o of options) if (!found.includes(o) && match(o)) found.push(o);
  };
  add((o) => fold(o.value) === typed);
  add((o) => fold(o.label).startsWith(typed));
  add((o) => fold(o.label).includes(typed));
  if (/^[a-z]+$/.test(typed)) {
    add((o) => HAN.test(o.label) && pinyinInitials(o.label).startsWith(typed));
    if (typed.length > 1) add((o) => HAN.test(o.label) && pinyinInitials(o.label).includes(typed));
  }
  return found;
}

/** Full-width letters and digits (from a Chinese input method) read as their ASCII forms; case ignored. */
function fold(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase();
}

const HAN = /[\u4e00-\u9fff]/;
/**
 * The first character of each initial in pinyin order: a Han character's initial is that of the
 * last of these it does not sort before, by the pinyin collation every browser's ICU has. Good for
 * the common characters of option labels; a polyphone takes its first reading (长 → z).
 */
const INITIALS: [string, string][] = [
  ['a', '阿'],
  ['b', '八'],
  ['c', '嚓'],
  ['d', '哒'],
  ['e', '妸'],
  ['f', '发'],
  ['g', '旮'],
  ['h', '哈'],
  ['j', '讥'],
  ['k', '咔'],
  ['l', '垃'],
  ['m', '妈'],
  ['n', '拏'],
  ['o', '噢'],
  ['p', '妑'],
  ['q', '七'],
  ['r', '呥'],
  ['s', '仨'],
  ['t', '他'],
  ['w', '屲'],
  ['x', '夕'],
  ['y', '丫'],
  ['z', '帀'],
];
let collator: Intl.Collator | null = null;
const initialsOf = new Map<string, string>();

/** 服务态度不好 → fwtdbh; letters and digits in the label are kept, other marks dropped. */
export function pinyinInitials(label: string): string {
  const known = initialsOf.get(label);
  if (known !== undefined) return known;
  collator ??= new Intl.Collator('zh-CN-u-co-pinyin');
  const compare = collator.compare;
  const initials = [...label.normalize('NFKC').toLowerCase()]
    .map((ch) => {
      if (!HAN.test(ch)) return /[a-z0-9]/.test(ch) ? ch : '';
      let initial = '';
      for (const [letter, first] of INITIALS) {
        if (compare(ch, first) < 0) break;
        initial = letter;
      }
      return initial;
    })
    .join('');
  initialsOf.set(label, initials);
  return initials;
}

/** One option picked or unpicked, keeping the order things were picked in. */
export function togglePicked(picked: readonly string[], value: string): string[] {
  return picked.includes(value) ? picked.filter((v) => v !== value) : [...picked, value];
}

/** The values a multichoice cell holds, as a list (anything else — text kept as typed — is none). */
export function pickedValues(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
