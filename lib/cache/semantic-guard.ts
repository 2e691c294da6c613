// Semantic-cache guard: a cosine match between two prompts is not enough to serve one's answer
// for the other. Embeddings place "capital of France" next to "capital of Germany" and "2+2"
// next to "3+3"; this module vetoes such hits by comparing what the prompts are *about*:
// numbers (with units and operators), polarity (negations), named entities and code literals,
// and — for near-identical prompts — a swapped content noun ("ibuprofen" vs "aspirin").
//
// Pure and synchronous, no network. Each prompt is analysed once (memoised) and a comparison
// is set lookups, so a pair costs tens of microseconds; see bench/semantic-quality.ts.
import nlp from "compromise";

export type GuardReason = "numbers" | "units" | "negation" | "entities" | "literals" | "content";

export interface GuardResult {
  veto: boolean;
  reason?: GuardReason;
  detail?: string;
}

export interface GuardOptions {
  /**
   * Also veto when only one prompt names an entity/literal the other lacks ("install Python"
   * vs "install Python on Windows"). On by default: a narrower question needs its own answer.
   */
  vetoEntityAdditions?: boolean;
  /** Run the swapped-content-noun rule (the only rule that fires on lowercase common nouns). */
  contentRule?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Lexicons
// ---------------------------------------------------------------------------------------------

// compromise's lexicon is a plain word → tag map; looking words up directly avoids running its
// tagger (~0.5 ms per sentence), which would blow the per-pair budget.
const LEXICON: Record<string, string | string[]> = (nlp as unknown as { model(): { one: { lexicon: Record<string, string | string[]> } } }).model().one.lexicon;

function lexTags(word: string): string[] {
  // Own properties only: "constructor" & co. must not resolve to Object.prototype members.
  if (!Object.hasOwn(LEXICON, word)) return [];
  const t = LEXICON[word];
  return Array.isArray(t) ? t : typeof t === "string" ? [t] : [];
}

// Tags that mark a word as a name even when written in lowercase ("capital of france").
// Person names are left out: lowercase "will", "mark", "rose" are ordinary words.
const ENTITY_TAGS = new Set(["Country", "City", "Place", "Region", "Organization", "SportsTeam", "Demonym", "Currency"]);
// Tags that mark a word as not-a-noun for the content rule (verbs, adjectives, adverbs…).
const NON_NOUN_TAGS = new Set([
  "Gerund", "Adjective", "PastTense", "PresentTense", "Infinitive", "PhrasalVerb", "Comparative", "Superlative",
  "Adverb", "Participle", "Expression", "Modal", "Preposition", "Conjunction", "Determiner", "Pronoun", "Copula",
  "QuestionWord",
]);

// Lowercase-written entities users swap in otherwise identical questions. Not exhaustive — the
// content rule catches unknown nouns in near-identical prompts; this list catches them when the
// rest of the prompt is also rephrased.
const KNOWN_ENTITIES = new Set(
  (
    // human languages
    "english spanish french german italian portuguese dutch russian chinese mandarin cantonese japanese korean arabic hindi " +
    "bengali urdu turkish polish swedish norwegian danish finnish greek hebrew thai vietnamese indonesian malay tagalog swahili " +
    "ukrainian czech romanian hungarian persian farsi latin esperanto " +
    // programming languages, runtimes, platforms, tools
    "python javascript typescript java kotlin scala golang php perl objective-c c++ c# f# haskell elixir erlang " +
    "clojure lua matlab fortran cobol dart zig bash powershell sql nosql graphql html css sass " +
    "node.js nodejs deno react vue angular svelte next.js nextjs django flask fastapi laravel " +
    "numpy pandas pytorch tensorflow keras scikit-learn " +
    "postgres postgresql mysql mariadb sqlite mongodb redis cassandra elasticsearch dynamodb kafka rabbitmq " +
    "docker kubernetes k8s terraform ansible nginx apache jenkins git github gitlab bitbucket npm yarn pnpm pip conda " +
    "linux windows macos ubuntu debian fedora centos android ios firefox powerpoint " +
    "aws azure gcp heroku vercel netlify openai anthropic chatgpt gpt claude gemini llama mistral " +
    // drugs and substances
    "ibuprofen aspirin acetaminophen paracetamol tylenol advil motrin aleve naproxen codeine morphine oxycodone tramadol " +
    "amoxicillin penicillin azithromycin doxycycline ciprofloxacin metformin insulin lisinopril atorvastatin simvastatin " +
    "omeprazole pantoprazole levothyroxine prednisone warfarin heparin xanax valium zoloft prozac sertraline fluoxetine " +
    "melatonin caffeine nicotine cannabis ketamine adderall ritalin viagra benadryl zyrtec claritin " +
    // chemical elements and common compounds
    "hydrogen helium lithium nitrogen oxygen sodium magnesium aluminum aluminium silicon sulfur chlorine potassium " +
    "calcium zinc platinum uranium plutonium methane ethanol methanol glucose " +
    // planets (ambiguous ones like "mercury" and "earth" only count when capitalised)
    "venus mars jupiter saturn uranus neptune pluto"
  ).split(" "),
);

// Demonyms/languages and their countries, so "French cuisine" matches "cuisine of France".
const DEMONYMS: Record<string, string> = {
  french: "france", german: "germany", spanish: "spain", italian: "italy", portuguese: "portugal", dutch: "netherlands",
  russian: "russia", chinese: "china", japanese: "japan", korean: "korea", american: "usa", british: "uk", english: "england",
  indian: "india", canadian: "canada", mexican: "mexico", brazilian: "brazil", greek: "greece", turkish: "turkey",
  swedish: "sweden", polish: "poland", irish: "ireland", australian: "australia", egyptian: "egypt", thai: "thailand",
  vietnamese: "vietnam", swiss: "switzerland", austrian: "austria", belgian: "belgium", norwegian: "norway",
  danish: "denmark", finnish: "finland", ukrainian: "ukraine", israeli: "israel", iranian: "iran", nigerian: "nigeria",
};
const COUNTRY_ALIASES: Record<string, string> = { america: "usa", us: "usa", "united states": "usa", britain: "uk", "united kingdom": "uk" };

// Small synonym table for the content rule: swaps within one group are paraphrases, not new
// subjects. Only nouns matter here (verbs and adjectives are exempt from the rule anyway).
const SYNONYM_GROUPS: string[][] = [
  ["kid", "child", "children", "toddler"], ["car", "automobile", "vehicle"], ["movie", "film"], ["photo", "picture", "image", "pic"],
  ["laptop", "notebook"], ["pc", "computer"], ["phone", "smartphone", "cellphone", "mobile"], ["error", "bug", "issue", "problem", "exception"],
  ["function", "method", "func", "routine"], ["folder", "directory", "dir"], ["app", "application", "program", "software", "tool"],
  ["doctor", "physician"], ["price", "cost", "fee", "charge"], ["job", "work", "career", "occupation"], ["way", "method", "approach", "technique"],
  ["tip", "advice", "suggestion", "recommendation"], ["man", "guy", "gentleman"], ["woman", "lady"], ["boy", "lad"], ["girl", "lass"],
  ["people", "person", "persons", "folk"], ["dog", "puppy", "pup"], ["cat", "kitten", "kitty"], ["shop", "store"], ["trip", "journey", "travel", "voyage"],
  ["house", "home"], ["talk", "speech", "lecture"], ["couch", "sofa"], ["road", "street"], ["ocean", "sea"], ["stone", "rock"],
  ["benefit", "advantage", "pro"], ["drawback", "disadvantage", "con", "downside"], ["difference", "distinction"], ["example", "sample", "instance"],
  ["feature", "attribute", "characteristic", "property"], ["data", "dataset", "information", "info"], ["guide", "tutorial", "manual", "instruction"],
  ["argument", "parameter", "param", "arg", "option"], ["variable", "var"], ["repo", "repository"], ["docs", "documentation", "doc"],
  ["info", "detail", "details"], ["goal", "aim", "objective", "purpose"], ["meaning", "definition", "sense"], ["symptom", "sign"],
  ["illness", "disease", "sickness"], ["medicine", "medication", "drug"], ["meal", "dish", "food"], ["recipe", "instruction"],
  ["library", "package", "module", "lib"], ["string", "str"], ["integer", "int"], ["dictionary", "dict", "map", "hashmap"],
  ["array", "list"], ["item", "element", "entry"], ["file", "document"], ["keyboard", "keyboards"], ["big", "large"], ["small", "little", "tiny"],
];
const SYNONYM_OF = new Map<string, string>();
for (const group of SYNONYM_GROUPS) for (const w of group) if (!SYNONYM_OF.has(w)) SYNONYM_OF.set(w, group[0]);

const STOPWORDS = new Set(
  (
    "a an the this that these those there here it its it's i me my mine myself we us our ours you your yours yourself he him " +
    "his she her hers they them their theirs what which who whom whose when where why how whether is are was were be been being " +
    "am do does did doing done have has had having can could would should will shall may might must ought to of in on at by for " +
    "from with about into onto over under above below between through during before after up down out off again further then once " +
    "and or but if so as than too very just also only even still yet some any each every all both few more most other such own same " +
    "s t please tell explain give show know let lets want wanted need like get got make made use using used go going way thing " +
    "things something anything everything someone anyone everyone kind sort type one ones really actually basically exactly " +
    "possible possibly maybe perhaps currently generally usually typically best good better well much many lot lots able " +
    "describe provide help find say said mean means meaning question answer following e.g i.e etc vs versus via per " +
    "whats hows whos wheres why's isn aren doesn don didn hasn haven wasn weren won wouldn shouldn couldn"
  ).split(" "),
);

const NEGATION_WORDS = new Set(["not", "no", "never", "none", "nobody", "nothing", "nowhere", "neither", "nor", "without"]);
// Words that negate like "without" ("in the absence of", "lacks", "non-streaming"); counted
// with the negations so that rephrasing one as the other keeps the polarity equal.
const NEGATION_LIKE = new Set(["absence", "absent", "lack", "lacks", "lacking", "lacked"]);

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

const SMALL_NUMBERS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20, thirty: 30,
  forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90, dozen: 12,
};
const ORDINALS: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10, eleventh: 11,
  twelfth: 12, thirteenth: 13, fourteenth: 14, fifteenth: 15, sixteenth: 16, seventeenth: 17, eighteenth: 18, nineteenth: 19,
  twentieth: 20, thirtieth: 30, fortieth: 40, fiftieth: 50, sixtieth: 60, seventieth: 70, eightieth: 80, ninetieth: 90,
  hundredth: 100, thousandth: 1000, millionth: 1e6,
};
const SCALES: Record<string, number> = { hundred: 100, thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 };

// Canonical unit names; a number's unit is the token right after it (or a currency sign before).
const UNIT_GROUPS: Record<string, string[]> = {
  km: ["km", "kms", "kilometer", "kilometers", "kilometre", "kilometres"],
  mile: ["mi", "mile", "miles"],
  m: ["meter", "meters", "metre", "metres"],
  cm: ["cm", "centimeter", "centimeters", "centimetre", "centimetres"],
  mm: ["mm", "millimeter", "millimeters", "millimetre", "millimetres"],
  ft: ["ft", "foot", "feet"],
  inch: ["in.", "inch", "inches"],
  yard: ["yd", "yard", "yards"],
  kg: ["kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"],
  g: ["gram", "grams", "gr"],
  mg: ["mg", "milligram", "milligrams"],
  lb: ["lb", "lbs", "pound", "pounds"],
  oz: ["oz", "ounce", "ounces"],
  l: ["liter", "liters", "litre", "litres"],
  ml: ["ml", "milliliter", "milliliters", "millilitre", "millilitres"],
  gallon: ["gallon", "gallons", "gal"],
  cup: ["cup", "cups"],
  tbsp: ["tbsp", "tablespoon", "tablespoons"],
  tsp: ["tsp", "teaspoon", "teaspoons"],
  celsius: ["c", "°c", "celsius", "centigrade"],
  fahrenheit: ["f", "°f", "fahrenheit"],
  kelvin: ["kelvin"],
  second: ["s", "sec", "secs", "second", "seconds"],
  minute: ["min", "mins", "minute", "minutes"],
  hour: ["h", "hr", "hrs", "hour", "hours"],
  day: ["day", "days"],
  week: ["week", "weeks", "wk", "wks"],
  month: ["month", "months"],
  year: ["yr", "yrs", "year", "years"],
  percent: ["%", "percent", "per cent", "pct"],
  usd: ["$", "usd", "dollar", "dollars", "bucks"],
  eur: ["€", "eur", "euro", "euros"],
  gbp: ["£", "gbp", "sterling"],
  jpy: ["¥", "jpy", "yen"],
  inr: ["₹", "inr", "rupee", "rupees"],
  kb: ["kb", "kilobyte", "kilobytes"],
  mb: ["mb", "megabyte", "megabytes"],
  gb: ["gb", "gigabyte", "gigabytes"],
  tb: ["tb", "terabyte", "terabytes"],
  mph: ["mph"],
  kmh: ["kmh", "km/h", "kph"],
  calorie: ["cal", "calorie", "calories", "kcal"],
  mg_dl: ["mg/dl"],
  px: ["px", "pixel", "pixels"],
  pt: ["pt"],
  em: ["em", "rem"],
  mhz: ["mhz"],
  ghz: ["ghz"],
  watt: ["w", "watt", "watts"],
  kw: ["kw", "kilowatt", "kilowatts"],
  volt: ["v", "volt", "volts"],
  amp: ["a", "amp", "amps", "ampere", "amperes"],
};
const UNIT_OF = new Map<string, string>();
for (const [canon, names] of Object.entries(UNIT_GROUPS)) for (const n of names) UNIT_OF.set(n, canon);
// Unit words that also mean "convert into this" without a number ("how many miles is a marathon").
// Single letters and ambiguous words ("second", "pound", "a") are left out.
const BARE_UNITS = new Set(["km", "mile", "m", "cm", "mm", "ft", "inch", "yard", "kg", "g", "mg", "oz", "l", "ml", "gallon", "celsius", "fahrenheit", "kelvin", "usd", "eur", "gbp", "jpy", "inr", "mph", "kmh", "kb", "mb", "gb", "tb"]);
const BARE_UNIT_WORDS = new Map<string, string>();
for (const [word, canon] of UNIT_OF) if (BARE_UNITS.has(canon) && word.length > 2 && !/^(in\.|gal|gram|grams|gr|dollar|dollars|euro|euros)$/.test(word)) BARE_UNIT_WORDS.set(word, canon);
for (const w of ["dollar", "dollars", "euro", "euros"]) BARE_UNIT_WORDS.set(w, UNIT_OF.get(w)!);

const OPERATOR_WORDS: [RegExp, string][] = [
  [/\bmultiplied by\b/g, " * "], [/\bdivided by\b/g, " / "], [/\bto the power of\b/g, " ^ "], [/\bplus\b/g, " + "],
  [/\bminus\b/g, " - "], [/\btimes\b/g, " * "], [/\bover\b/g, " over "],
];

interface NumberItem {
  value: string; // canonical value ("2", "0.5", "3:30", "2024-01-05")
  unit?: string;
  weak: boolean; // "one"/"first": too often a pronoun or adverb to count on its own
}

// ---------------------------------------------------------------------------------------------
// Analysis
// ---------------------------------------------------------------------------------------------

export interface PromptFeatures {
  numbers: NumberItem[];
  operators: string[];
  bareUnits: Set<string>;
  negations: number;
  entities: Set<string>; // normalised entity words
  acronyms: Set<string>;
  initials: Set<string>;
  tokens: string[];
  literals: Set<string>; // code identifiers, quoted strings, URLs, emails
  /** lowercase text with contractions expanded, for presence checks */
  text: string;
  /** every token and its light stem, for presence checks */
  words: Set<string>;
  /** content stems in order with the word before them, for the content rule */
  content: { stem: string; word: string; prev: string }[];
}

const CONTRACTIONS: [RegExp, string][] = [
  [/\bcan['’]t\b/g, "can not"], [/\bcannot\b/g, "can not"], [/\bwon['’]t\b/g, "will not"], [/\bshan['’]t\b/g, "shall not"],
  [/\bain['’]t\b/g, "is not"], [/n['’]t\b/g, " not"], [/['’](re|ve|ll|d|m)\b/g, " "], [/\blet['’]s\b/g, "let us"],
];

function stem(word: string): string {
  let w = word.replace(/['’]s$/, "");
  if (w.length > 4 && w.endsWith("ies")) w = w.slice(0, -3) + "y";
  else if (w.length > 4 && /(ches|shes|sses|xes|zes)$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith("s") && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  return w;
}

// Own-property lookup: words like "constructor" must not hit Object.prototype.
function own<T>(table: Record<string, T>, key: string): boolean {
  return Object.hasOwn(table, key);
}

function normaliseValue(n: number): string {
  return String(Math.round(n * 1e9) / 1e9);
}

// Parses runs of number words ("twenty-one", "one hundred and five", "a dozen") into values.
function wordNumbers(tokens: string[]): { index: number; end: number; value: number; weak: boolean }[] {
  const out: { index: number; end: number; value: number; weak: boolean }[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    const prev = tokens[i - 1] ?? "";
    // "second" is a time unit unless it follows a determiner ("the second president").
    const isSecondOrdinal = t === "second" && /^(the|his|her|my|your|their|its|our|every)$/.test(prev);
    if (own(ORDINALS, t) && (t !== "second" || isSecondOrdinal)) {
      out.push({ index: i, end: i + 1, value: ORDINALS[t], weak: t === "first" });
      i++;
      continue;
    }
    // A bare scale word is vague ("several thousand") unless it reads "a thousand".
    const bareScale = own(SCALES, t) && prev !== "a" && prev !== "one";
    if ((!own(SMALL_NUMBERS, t) && !own(SCALES, t)) || bareScale) {
      i++;
      continue;
    }
    let total = 0;
    let current = 0;
    let j = i;
    let words = 0;
    while (j < tokens.length) {
      const w = tokens[j];
      if (own(SMALL_NUMBERS, w)) current += SMALL_NUMBERS[w];
      else if (own(SCALES, w)) {
        current = (current || 1) * SCALES[w];
        if (SCALES[w] >= 1000) {
          total += current;
          current = 0;
        }
      } else if (own(ORDINALS, w) && words > 0) {
        current += ORDINALS[w];
        j++;
        words++;
        break;
      } else if (w === "and" && words > 0 && own(SMALL_NUMBERS, tokens[j + 1] ?? "") && own(SCALES, tokens[j - 1])) {
        // "one hundred and five"
      } else break;
      j++;
      words++;
    }
    // A lone "one" is usually a pronoun ("which one", "one of"); it only counts against a digit.
    out.push({ index: i, end: j, value: total + current, weak: words === 1 && t === "one" });
    i = j;
  }
  return out;
}

const MEMO = new Map<string, PromptFeatures>();
const MEMO_LIMIT = 2000;

/** Analyses a prompt once; the result is memoised (bounded), so a cached prompt costs nothing the next time. */
export function analysePrompt(prompt: string): PromptFeatures {
  const hit = MEMO.get(prompt);
  if (hit) return hit;
  const features = analyse(prompt);
  if (MEMO.size >= MEMO_LIMIT) MEMO.delete(MEMO.keys().next().value as string);
  MEMO.set(prompt, features);
  return features;
}

const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"'`)\]]+/gi;
const EMAIL_RE = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g;
const BACKTICK_RE = /`([^`\n]{1,120})`/g;
const DQUOTE_RE = /["“]([^"”\n]{1,120})["”]/g;
const SQUOTE_RE = /(?:^|[\s(\[{:=,])['‘]([^'’\n]{1,80})['’](?=$|[\s)\]},.;:!?])/g;
// Identifiers that are code by their shape: snake_case, camelCase, dotted.paths, calls(), --flags, file.ext
const IDENT_RE = /(?:(?<![\w-])(?:--[a-z][\w-]*|-[a-zA-Z]\b)|\b[A-Za-z_$][\w$]+(?:(?:\.[A-Za-z_$][\w$]+)+|\(\))(?:\(\))?|\b[a-z_$][\w$]*_[\w$]*|\b[a-z]+[A-Z][a-z][\w$]*|\b[\w-]+\.(?:py|js|ts|tsx|jsx|json|ya?ml|toml|csv|txt|md|html|css|sh|go|rs|java|rb|php|c|cpp|h|sql|env|lock|xml|ini|cfg|conf|log)\b)/g;

function normaliseLiteral(s: string): string {
  return s.trim().toLowerCase().replace(/\(\)$/, "").replace(/[.,;:!?]+$/, "");
}

function analyse(prompt: string): PromptFeatures {
  const literals = new Set<string>();
  const raw = prompt.normalize("NFKC");
  for (const re of [URL_RE, EMAIL_RE]) for (const m of raw.matchAll(re)) literals.add(normaliseLiteral(m[0]));
  for (const re of [BACKTICK_RE, DQUOTE_RE, SQUOTE_RE]) for (const m of raw.matchAll(re)) literals.add(normaliseLiteral(m[1]));
  const withoutLinks = raw.replace(URL_RE, " ").replace(EMAIL_RE, " ");
  for (const m of withoutLinks.matchAll(IDENT_RE)) {
    const lit = normaliseLiteral(m[0]);
    if (lit.length > 1 && !/^e\.g|^i\.e/.test(lit)) literals.add(lit);
  }

  // Entities from capitalisation, on the original casing: a capitalised word that is not
  // sentence-initial and not an ordinary word, or any camelCase / ALLCAPS / letters+digits token.
  const entities = new Set<string>();
  const acronyms = new Set<string>();
  const capText = withoutLinks.replace(/`[^`]*`/g, " ").replace(/([.!?:;](?=\s|$)|\n|^)/g, "$1 \u0000 ");
  let sentenceStart = true;
  let prevLower = "";
  for (let tok of capText.split(/[^\p{L}\p{N}+#.'’\u0000-]+/u)) {
    if (tok === "\u0000") {
      sentenceStart = true; // after . ! ? : ; or a line break, capitals are not evidence
      continue;
    }
    tok = tok.replace(/^[.'’-]+|[.'’-]+$/g, "").replace(/['’](s|m|re|ve|ll|d|t)$/i, "");
    if (!tok || tok === "I" || /^v\d/i.test(tok)) continue; // "I'm", versions like "v2.10.0"
    if (!tok) continue;
    const lower = tok.toLowerCase();
    const isCap = /^\p{Lu}/u.test(tok);
    const isAcronym = /^\p{Lu}{2,5}s?$/u.test(tok) && lexTags(tok.toLowerCase()).length === 0;
    const oddCase = /\p{Ll}\p{Lu}/u.test(tok) || isAcronym || /^\p{L}+\d+[\p{L}\d]*$/u.test(tok);
    const tags = lexTags(lower);
    const lexEntity = tags.some((t) => ENTITY_TAGS.has(t) || t === "ProperNoun" || t.endsWith("Name") || t === "Person");
    // "Load", "Members", "Tutorials" in a title-cased list are ordinary words, not names.
    // After "in"/"on"/"with"… a capitalised ordinary word is a name again ("in Ruby", "on Swift").
    const commonWord = tags.length > 0 && !lexEntity && !/^(in|on|with|using|for|from|to|into|via|vs|versus|like)$/.test(prevLower);
    if (oddCase || (isCap && !sentenceStart && !commonWord && !STOPWORDS.has(lower)) || (isCap && lexEntity)) {
      entities.add(canonicalEntity(lower));
      if (isAcronym) acronyms.add(lower.replace(/s$/, ""));
    }
    sentenceStart = false;
    prevLower = lower;
  }

  // Lowercased, contraction-expanded text with operator words turned into symbols.
  let text = withoutLinks.toLowerCase().replace(/[’‘]/g, "'");
  for (const [re, rep] of CONTRACTIONS) text = text.replace(re, rep);
  for (const [re, rep] of OPERATOR_WORDS) text = text.replace(re, rep);
  text = text.replace(/\bv(?=\d)/g, "v "); // "v2.10.0" → "v 2.10.0"

  // Tokens: numbers (with separators), words (keeping c++, c#, node.js), symbols that matter.
  const tokens = text.match(/\d+(?:[.,:/]\d+)*(?:st|nd|rd|th)?|[$€£¥₹%+*/^×÷=]|-|[\p{L}\p{N}_]+(?:[.+#'-][\p{L}_][\p{L}\p{N}_]*)*[+#]*|\?/gu) ?? [];

  // Numbers.
  const numbers: NumberItem[] = [];
  const operators: string[] = [];
  const numberTokenIdx = new Set<number>();
  const unitAfter = (k: number): string | undefined => {
    let t = tokens[k];
    if (t === "-") t = tokens[k + 1];
    if (t === "per" && tokens[k + 1] === "cent") return "percent";
    return t === undefined ? undefined : UNIT_OF.get(t);
  };
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (!/^\d/.test(t)) continue;
    numberTokenIdx.add(k);
    let value: string;
    const plain = t.replace(/(st|nd|rd|th)$/, "");
    if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(plain) || /^\d+(\.\d+)?$/.test(plain)) {
      let n = Number(plain.replace(/,/g, ""));
      const scale = tokens[k + 1];
      if (scale && own(SCALES, scale)) {
        n *= SCALES[scale];
        numberTokenIdx.add(k + 1);
      } else if (scale === "k") n *= 1e3;
      value = normaliseValue(n);
    } else value = plain;
    const prev = tokens[k - 1];
    const currency = prev && /^[$€£¥₹]$/.test(prev) ? UNIT_OF.get(prev) : undefined;
    numbers.push({ value, unit: currency ?? unitAfter(k + 1), weak: false });
  }
  const lowerTokens = tokens.map((t) => t.replace(/-/g, " ")).flatMap((t) => t.split(" "));
  for (const w of wordNumbers(lowerTokens)) {
    numbers.push({ value: normaliseValue(w.value), unit: unitAfter(w.end), weak: w.weak });
  }
  // Operators between two numbers ("2 + 2", "two plus two"); a bare hyphen between digits is a range.
  const isNumTok = (t: string | undefined) => t !== undefined && (/^\d/.test(t) || own(SMALL_NUMBERS, t));
  for (let k = 1; k < tokens.length - 1; k++) {
    const t = tokens[k];
    if (!/^[+*/^×÷x-]$|^over$/.test(t) || !isNumTok(tokens[k - 1]) || !isNumTok(tokens[k + 1])) continue;
    if (t === "-" && !new RegExp(`\\s-\\s`).test(text)) continue;
    if (t === "/" && /\d\/\d/.test(text)) continue; // dates and fractions are kept whole as number tokens
    operators.push(t === "×" || t === "x" ? "*" : t === "÷" || t === "over" ? "/" : t);
  }

  // Bare unit words (conversion targets).
  const bareUnits = new Set<string>();
  for (let k = 0; k < tokens.length; k++) {
    const canon = BARE_UNIT_WORDS.get(tokens[k]);
    if (canon && !isNumTok(tokens[k - 1])) bareUnits.add(canon);
  }

  // Negations. "not only/just" is emphasis; a leading "no," answers a question rather than negating it.
  let negations = 0;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (/^(non|no)-\p{L}/u.test(t) || NEGATION_LIKE.has(t)) {
      negations++;
      continue;
    }
    if (!NEGATION_WORDS.has(t)) continue;
    if (t === "not" && /^(only|just|merely|simply)$/.test(tokens[k + 1] ?? "")) continue;
    if (t === "no" && k === 0 && /^\s*no\s*[,.!]/.test(text)) continue;
    if (t === "nor" && tokens.slice(0, k).includes("neither")) continue; // neither…nor is one negation
    negations++;
  }

  // Words, lowercase entities from the lexicons, content stems.
  const words = new Set<string>();
  const content: { stem: string; word: string; prev: string }[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (!/^[\p{L}_]/u.test(t)) continue;
    const s = stem(t);
    words.add(t);
    words.add(s);
    if (t.includes("-")) for (const part of t.split("-")) words.add(stem(part)); // "numpy-like"
    if (KNOWN_ENTITIES.has(t) || lexTags(t).some((tag) => ENTITY_TAGS.has(tag))) {
      // "may"/"march" and friends are tagged by case above; lexicon hits here are lowercase-safe.
      entities.add(canonicalEntity(t));
    }
    if (STOPWORDS.has(t) || NEGATION_WORDS.has(t) || own(SMALL_NUMBERS, t) || own(ORDINALS, t) || own(SCALES, t) || numberTokenIdx.has(k)) continue;
    if (t.length < 3) continue;
    content.push({ stem: SYNONYM_OF.get(s) ?? SYNONYM_OF.get(t) ?? s, word: t, prev: tokens[k - 1] ?? "" });
  }
  for (const e of entities) words.add(e);
  for (const w of [...words]) {
    if (own(DEMONYMS, w)) words.add(DEMONYMS[w]);
    if (own(COUNTRY_ALIASES, w)) words.add(COUNTRY_ALIASES[w]);
  }
  // Initials of consecutive words, so "ML" is found in "machine learning".
  const initials = new Set<string>();
  const plain = tokens.filter((t) => /^\p{L}/u.test(t) && !STOPWORDS.has(t));
  for (let k = 0; k < plain.length; k++) {
    let acc = "";
    for (let n = 0; n < 5 && k + n < plain.length; n++) initials.add((acc += plain[k + n][0]));
  }
  return { numbers, operators, bareUnits, negations, entities, acronyms, initials, literals, text, tokens, words, content };
}

function canonicalEntity(lower: string): string {
  const e = lower.replace(/['’]s$/, "");
  return own(COUNTRY_ALIASES, e) ? COUNTRY_ALIASES[e] : own(DEMONYMS, e) ? DEMONYMS[e] : e;
}

// ---------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------

function numberConflict(a: PromptFeatures, b: PromptFeatures): GuardResult | undefined {
  const count = (items: NumberItem[], strongOnly: boolean) => {
    const m = new Map<string, number>();
    for (const n of items) if (!strongOnly || !n.weak) m.set(n.value, (m.get(n.value) ?? 0) + 1);
    return m;
  };
  const aStrong = count(a.numbers, true), bStrong = count(b.numbers, true);
  const aAll = count(a.numbers, false), bAll = count(b.numbers, false);
  // Every strong number on one side must appear (as often) on the other; weak ones ("one",
  // "first") only back up a strong 1 on the other side.
  for (const [x, y, yAll] of [[aStrong, bStrong, bAll], [bStrong, aStrong, aAll]] as const) {
    for (const [value, n] of x) {
      const have = value === "1" ? (yAll.get(value) ?? 0) : (y.get(value) ?? 0);
      if (have < n) return { veto: true, reason: "numbers", detail: `${value} only in one prompt` };
    }
  }
  const ops = (o: string[]) => [...o].sort().join(" ");
  if (a.operators.length > 0 && b.operators.length > 0 && ops(a.operators) !== ops(b.operators)) {
    return { veto: true, reason: "numbers", detail: `operators ${ops(a.operators)} vs ${ops(b.operators)}` };
  }
  // Same values: compare units where both prompts give one for the same value.
  for (const na of a.numbers) {
    if (!na.unit) continue;
    const nb = b.numbers.find((n) => n.value === na.value && n.unit !== undefined);
    if (nb && nb.unit !== na.unit && !b.numbers.some((n) => n.value === na.value && n.unit === na.unit)) {
      return { veto: true, reason: "units", detail: `${na.value} ${na.unit} vs ${nb.value} ${nb.unit}` };
    }
  }
  const onlyA = [...a.bareUnits].filter((u) => !b.bareUnits.has(u) && !b.numbers.some((n) => n.unit === u));
  const onlyB = [...b.bareUnits].filter((u) => !a.bareUnits.has(u) && !a.numbers.some((n) => n.unit === u));
  if (onlyA.length > 0 && onlyB.length > 0) return { veto: true, reason: "units", detail: `${onlyA[0]} vs ${onlyB[0]}` };
  return undefined;
}

function missing(items: Iterable<string>, other: PromptFeatures, literal: boolean): string[] {
  const out: string[] = [];
  for (const item of items) {
    if (other.words.has(item) || other.literals.has(item)) continue;
    if (literal) {
      // A literal counts as present when the other prompt mentions it anywhere, as code or prose.
      if (other.text.includes(item)) continue;
      const tail = item.split(/[.\s]/).pop() ?? item;
      if (tail.length > 2 && other.text.includes(tail) && item.includes(".")) continue;
    } else {
      if (/[ .+#-]/.test(item) && other.text.includes(item)) continue;
      // "ML" ~ "machine learning"
      if (other.initials.has(item) || other.initials.has(item.replace(/s$/, ""))) continue;
      // Derived forms and typos of the same name: "Pythonic"/"Python", "INSTALLATIO"/"installation".
      if (item.length >= 5 && [...other.words].some((w) => w.length >= 5 && (w.startsWith(item) || item.startsWith(w)))) continue;
    }
    out.push(item);
  }
  return out;
}

const NEGATIVE_PREFIXES = ["un", "in", "im", "il", "ir", "dis", "non"];

// Antonyms: swapping one for the other flips the question ("increase" / "decrease").
const ANTONYM_PAIRS: [string, string][] = [
  ["good", "bad"], ["better", "worse"], ["best", "worst"], ["increase", "decrease"], ["above", "below"], ["over", "under"],
  ["horizontally", "vertically"], ["horizontal", "vertical"], ["boiling", "freezing"], ["before", "after"], ["more", "less"],
  ["higher", "lower"], ["high", "low"], ["maximum", "minimum"], ["max", "min"], ["buy", "sell"], ["import", "export"],
  ["upload", "download"], ["encrypt", "decrypt"], ["push", "pull"], ["start", "stop"], ["enable", "disable"], ["add", "remove"],
  ["open", "close"], ["win", "lose"], ["true", "false"], ["rich", "poor"], ["fast", "slow"], ["cheap", "expensive"],
  ["hot", "cold"], ["first", "last"], ["inside", "outside"], ["positive", "negative"], ["left", "right"], ["input", "output"],
  ["local", "remote"], ["public", "private"], ["soft", "hard"], ["male", "female"], ["young", "old"], ["new", "old"],
  ["heavy", "light"], ["long", "short"], ["early", "late"], ["gain", "lose"], ["pros", "cons"], ["advantage", "disadvantage"],
  ["fat", "water"], ["cat", "dog"], ["north", "south"], ["east", "west"], ["sunrise", "sunset"], ["win", "loss"],
];
const ANTONYM_OF = new Map<string, Set<string>>();
for (const [x, y] of ANTONYM_PAIRS) {
  for (const [p, q] of [[x, y], [y, x]]) {
    if (!ANTONYM_OF.has(p)) ANTONYM_OF.set(p, new Set());
    ANTONYM_OF.get(p)!.add(q);
  }
}

// Adjectives that change the subject of a question when swapped ("green tea" vs "black tea").
const CONTRAST_WORDS = new Set(
  ("red green blue black white yellow orange purple pink brown grey gray male female hot cold warm raw cooked " +
    "frozen fresh north south east west northern southern eastern western left right front back open closed public private " +
    "static dynamic sync async synchronous asynchronous frontend backend input output min max minimum maximum inner outer " +
    "upper lower horizontal vertical local remote global online offline wet dry sweet sour bitter salty spicy " +
    "monthly weekly daily yearly annual past future previous next last early late morning evening night " +
    "mac pc iphone ipad desktop mobile web server client").split(" "),
);

function isNounish(word: string, prev: string): boolean {
  if (CONTRAST_WORDS.has(word)) return true;
  // After a determiner or "of" the word heads a noun phrase whatever else the lexicon says ("a list").
  if (/^(a|an|the|this|that|these|those|my|your|our|their|his|her|its|of|some|any|each|every)$/.test(prev) && !/(ing|ly)$/.test(word)) return true;
  const tags = lexTags(word);
  if (tags.some((t) => NON_NOUN_TAGS.has(t)) && !tags.some((t) => t === "Singular" || t === "Plural" || t === "Uncountable")) return false;
  if (tags.length === 0 && /(ing|ed|ly|ize|ise|ify|ful|ous|ive|able|ible)$/.test(word)) return false;
  if (word.includes("-")) return false; // "state-of-the-art", "easy-to-use": compound modifiers
  // Right after "to", a modal or a subject pronoun the word is a verb ("to install", "I compile").
  if (/^(to|i|you|we|they|please|not)$/.test(prev)) return false;
  return true;
}

function canonicalToken(t: string): string {
  const s = stem(t);
  return SYNONYM_OF.get(s) ?? SYNONYM_OF.get(t) ?? s;
}

function contentConflict(a: PromptFeatures, b: PromptFeatures): GuardResult | undefined {
  const aStems = new Set(a.content.map((c) => c.stem));
  const bStems = new Set(b.content.map((c) => c.stem));
  const onlyA = a.content.filter((c) => !bStems.has(c.stem) && !b.words.has(c.word));
  const onlyB = b.content.filter((c) => !aStems.has(c.stem) && !a.words.has(c.word));
  // Polarity by prefix: "safe" vs "unsafe", "legal" vs "illegal".
  for (const [x, other] of [[onlyA, b], [onlyB, a]] as const) {
    for (const c of x) {
      for (const p of NEGATIVE_PREFIXES) {
        const base = c.word.slice(p.length).replace(/^-/, "");
        if (c.word.startsWith(p) && base.length >= 3 && other.words.has(base)) {
          return { veto: true, reason: "negation", detail: `${c.word} vs ${base}` };
        }
      }
    }
  }
  // Antonyms anywhere among the words only one prompt has. Stopwords ("more", "over", "before")
  // count too, so this looks at all tokens rather than content words.
  for (const t of a.tokens) {
    const opposite = ANTONYM_OF.get(t) ?? ANTONYM_OF.get(stem(t));
    if (!opposite || b.words.has(t)) continue;
    for (const o of opposite) if (b.words.has(o) && !a.words.has(o)) return { veto: true, reason: "negation", detail: `${t} vs ${o}` };
  }
  if (onlyA.length === 0 || onlyB.length === 0) return undefined;
  // Only near-identical prompts: strip the common prefix and suffix of the token sequences; if
  // what is left on each side is one word holding a noun or a contrast word, the
  // prompts ask the same thing about different subjects ("playing a harp" / "playing a keyboard").
  // Rephrasings move and replace many words and never reduce to one short slot.
  const ta = a.tokens.filter((t) => t !== "?" && !STOPWORDS.has(t) || NEGATION_WORDS.has(t)).map(canonicalToken);
  const tb = b.tokens.filter((t) => t !== "?" && !STOPWORDS.has(t) || NEGATION_WORDS.has(t)).map(canonicalToken);
  let pre = 0;
  while (pre < ta.length && pre < tb.length && ta[pre] === tb[pre]) pre++;
  let suf = 0;
  while (suf < ta.length - pre && suf < tb.length - pre && ta[ta.length - 1 - suf] === tb[tb.length - 1 - suf]) suf++;
  const slotA = ta.slice(pre, ta.length - suf);
  const slotB = tb.slice(pre, tb.length - suf);
  // One word against one word: a two-word slot is already a rewording ("returns the number" /
  // "gives the quantity") far more often than a new subject.
  if (slotA.length !== 1 || slotB.length !== 1 || pre + suf < 1) return undefined;
  const inSlot = (x: typeof onlyA, slot: string[]) => x.filter((c) => slot.includes(c.stem) && isNounish(c.word, c.prev));
  const nounA = inSlot(onlyA, slotA)[0];
  const nounB = inSlot(onlyB, slotB)[0];
  if (nounA && nounB) return { veto: true, reason: "content", detail: `${nounA.word} vs ${nounB.word}` };
  return undefined;
}

/**
 * Decides whether a semantic-cache hit between `cachedPrompt` and `newPrompt` must be refused
 * although their embeddings are close. Order of checks: literals, numbers/units, negation,
 * entities, swapped content noun — the first conflict wins.
 */
export function guardVeto(cachedPrompt: string, newPrompt: string, options: GuardOptions = {}): GuardResult {
  const vetoAdditions = options.vetoEntityAdditions ?? true;
  const a = analysePrompt(cachedPrompt);
  const b = analysePrompt(newPrompt);

  const litA = missing(a.literals, b, true);
  const litB = missing(b.literals, a, true);
  if ((litA.length > 0 && litB.length > 0) || (vetoAdditions && (litA.length > 0 || litB.length > 0))) {
    return { veto: true, reason: "literals", detail: [...litA, ...litB].slice(0, 2).join(" vs ") };
  }

  const num = numberConflict(a, b);
  if (num) return num;

  if (a.negations !== b.negations) {
    return { veto: true, reason: "negation", detail: `${a.negations} vs ${b.negations} negations` };
  }

  const entA = missing(a.entities, b, false);
  const entB = missing(b.entities, a, false);
  if ((entA.length > 0 && entB.length > 0) || (vetoAdditions && (entA.length > 0 || entB.length > 0))) {
    return { veto: true, reason: "entities", detail: [...entA, ...entB].slice(0, 2).join(" vs ") };
  }

  if (options.contentRule ?? true) {
    const content = contentConflict(a, b);
    if (content) return content;
  }
  return { veto: false };
}
