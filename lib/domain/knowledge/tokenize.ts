/**
 * Text to search terms, the same way for passages and for questions: fold case and accents,
 * split into words (numbers kept whole: 14, 2.5, 1,000 → 1000), drop English stop words, and
 * stem (Porter, 1980) so "refunds", "refunded" and "refunding" all meet "refund".
 */

/**
 * Names this analysis. Terms precomputed at ingestion carry it; a change to the tokenizer, the
 * stop words, the stemmer or the field weights must change it, so stale terms are recomputed.
 */
export const ANALYZER_VERSION = 'en-porter-1';

/** A run of digits with decimal or thousands separators, not glued to letters; else a word, with apostrophes. */
const WORD = /\p{N}+(?:[.,]\p{N}+)*(?![\p{L}\p{N}])|[\p{L}\p{N}]+(?:['’]\p{L}+)*/gu;
const NON_ASCII = /[\u0080-\uffff]/;
const MARKS = /\p{M}+/gu;
const DIGIT = /\d/;
/** Longer "words" are ids, hashes or base64: noise in an index. */
const MAX_TERM_CHARS = 40;

// Function words, the question words and greetings prospects open with, and a few verbs and
// adverbs of the SMART list (get, much, also): none says what a question is about.
const STOP_WORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below ' +
    'between both but by can cannot could did do does doing done down during each either else etc ever every ' +
    'for from further get gets getting got had has have having he her here hers herself him himself his how ' +
    'however i if in into is it its itself just let many me might more most much must my myself neither no nor ' +
    'not of off on once only or other ought our ours ourselves out over own per please really same shall she ' +
    'should so some such than that the their theirs them themselves then there these they this those through ' +
    'thus to too under until up upon us very via was we were what when where whether which while who whom whose ' +
    'why will with within without would yet you your yours yourself yourselves hi hello thanks dont doesnt didnt ' +
    'cant wont isnt arent im ive id youre weve theyre'
  ).split(' '),
);

/** Search terms of `text`, in order, repeats kept (term frequency matters). */
export function tokenize(text: string): string[] {
  let folded = text.toLowerCase();
  if (NON_ASCII.test(folded)) folded = folded.normalize('NFKD').replace(MARKS, '');
  const terms: string[] = [];
  // match() with the g flag yields bare strings: far less garbage than matchAll's match objects.
  for (const raw of folded.match(WORD) ?? []) {
    const term = toTerm(raw);
    if (term !== undefined) terms.push(term);
  }
  return terms;
}

function toTerm(raw: string): string | undefined {
  if (raw.length > MAX_TERM_CHARS) return undefined;
  const first = raw.charCodeAt(0);
  // Numbers stay as written, less thousands separators, so "1,000" meets "1000".
  if (first >= 48 && first <= 57 && !/\p{L}/u.test(raw)) return raw.includes(',') ? raw.replaceAll(',', '') : raw;
  const word = raw.replace(/['’]s$/, '').replace(/['’]/g, '');
  if (word.length < 2 || STOP_WORDS.has(word)) return undefined;
  return DIGIT.test(word) ? word : stem(word);
}

// ── Porter stemmer ─────────────────────────────────────────────────────────────────────────────

/** Stems are looked up far more often than computed: a vocabulary is small next to a corpus. */
const stems = new Map<string, string>();
const MAX_CACHED_STEMS = 100_000;

/** The Porter stem of a lowercase word ("refunding" → "refund", "pricing" → "price"). */
export function stem(word: string): string {
  const cached = stems.get(word);
  if (cached !== undefined) return cached;
  const result = word.length <= 2 || !/^[a-z]+$/.test(word) ? word : porter(word);
  if (stems.size >= MAX_CACHED_STEMS) stems.clear();
  stems.set(word, result);
  return result;
}

function isConsonant(w: string, i: number): boolean {
  const c = w[i];
  if (c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u') return false;
  return c !== 'y' || i === 0 || !isConsonant(w, i - 1);
}

/** Porter's m: the number of vowel-consonant sequences in `w`. */
function measure(w: string): number {
  let m = 0;
  let i = 0;
  while (i < w.length && isConsonant(w, i)) i++;
  while (i < w.length) {
    while (i < w.length && !isConsonant(w, i)) i++;
    if (i >= w.length) break;
    m++;
    while (i < w.length && isConsonant(w, i)) i++;
  }
  return m;
}

const hasVowel = (w: string) => [...w].some((_, i) => !isConsonant(w, i));
const endsDouble = (w: string) => w.length > 1 && w.at(-1) === w.at(-2) && isConsonant(w, w.length - 1);
/** Consonant-vowel-consonant at the end, the last not w, x or y ("hop", not "snow"). */
const endsCvc = (w: string) => {
  const n = w.length;
  return n >= 3 && isConsonant(w, n - 1) && !isConsonant(w, n - 2) && isConsonant(w, n - 3) && !/[wxy]$/.test(w);
};

/** Replaces the first matching suffix when what precedes it has measure > `min`. */
function replaceSuffix(w: string, rules: ReadonlyArray<readonly [string, string]>, min: number): string {
  for (const [suffix, replacement] of rules) {
    if (!w.endsWith(suffix)) continue;
    const base = w.slice(0, -suffix.length);
    return measure(base) > min ? base + replacement : w;
  }
  return w;
}

// biome-ignore format: the suffix tables read better as rows
const STEP2: ReadonlyArray<readonly [string, string]> = [
  ['ational', 'ate'], ['tional', 'tion'], ['enci', 'ence'], ['anci', 'ance'], ['izer', 'ize'], ['bli', 'ble'],
  ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous'], ['ization', 'ize'], ['ation', 'ate'],
  ['ator', 'ate'], ['alism', 'al'], ['iveness', 'ive'], ['fulness', 'ful'], ['ousness', 'ous'], ['aliti', 'al'],
  ['iviti', 'ive'], ['biliti', 'ble'], ['logi', 'log'],
];
// biome-ignore format: as above
const STEP3: ReadonlyArray<readonly [string, string]> = [
  ['icate', 'ic'], ['ative', ''], ['alize', 'al'], ['iciti', 'ic'], ['ical', 'ic'], ['ful', ''], ['ness', ''],
];
// biome-ignore format: as above
const STEP4 = [
  'ement', 'ance', 'ence', 'able', 'ible', 'ment', 'ant', 'ent', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize', 'ion',
  'al', 'er', 'ic', 'ou',
];

function porter(word: string): string {
  let w = word;
  // Step 1a: plurals.
  if (w.endsWith('sses') || w.endsWith('ies')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  // Step 1b: -ed, -ing.
  if (w.endsWith('eed')) {
    if (measure(w.slice(0, -3)) > 0) w = w.slice(0, -1);
  } else {
    const suffix = w.endsWith('ed') ? 2 : w.endsWith('ing') ? 3 : 0;
    if (suffix > 0 && hasVowel(w.slice(0, -suffix))) {
      w = w.slice(0, -suffix);
      if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
      else if (endsDouble(w) && !/[lsz]$/.test(w)) w = w.slice(0, -1);
      else if (measure(w) === 1 && endsCvc(w)) w += 'e';
    }
  }
  // Step 1c: y → i after a vowel-bearing stem.
  if (w.endsWith('y') && hasVowel(w.slice(0, -1))) w = `${w.slice(0, -1)}i`;
  w = replaceSuffix(w, STEP2, 0);
  w = replaceSuffix(w, STEP3, 0);
  // Step 4: strip a derivational suffix from a long enough stem.
  for (const suffix of STEP4) {
    if (!w.endsWith(suffix)) continue;
    const base = w.slice(0, -suffix.length);
    if (measure(base) > 1 && (suffix !== 'ion' || /[st]$/.test(base))) w = base;
    break;
  }
  // Step 5: a final -e, and -ll.
  if (w.endsWith('e')) {
    const base = w.slice(0, -1);
    const m = measure(base);
    if (m > 1 || (m === 1 && !endsCvc(base))) w = base;
  }
  if (measure(w) > 1 && w.endsWith('ll')) w = w.slice(0, -1);
  return w;
}
