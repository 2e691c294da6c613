// Writes bench/data/hard-negatives.json: pairs of near-identical prompts that need different
// answers (a different number, unit, entity, drug, language, identifier, date, or the opposite
// polarity). Templated pairs are drawn with a fixed seed so the file is reproducible; the
// hand-written pairs mimic real user questions. Run: npx tsx bench/data/generate-hard-negatives.ts
import { writeFileSync } from "node:fs";
import path from "node:path";
import { mulberry32 } from "../../test/support/prng";

export interface HardNegative {
  a: string;
  b: string;
  kind: "number" | "unit" | "negation" | "entity" | "drug" | "language" | "code" | "date" | "content";
  source: "template" | "hand";
}

// Seeded, so reruns give the same file.
const rand = mulberry32(20260101);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
function pickTwo<T>(xs: readonly T[]): [T, T] {
  const a = pick(xs);
  let b = pick(xs);
  while (b === a) b = pick(xs);
  return [a, b];
}

type Template = { kind: HardNegative["kind"]; n: number; make: () => [string, string] };

const COUNTRIES = ["France", "Germany", "Spain", "Italy", "Japan", "Brazil", "Canada", "Australia", "Egypt", "India", "Mexico", "Kenya", "Norway", "Argentina", "Vietnam"];
const CITIES = ["Paris", "London", "Tokyo", "Berlin", "Madrid", "Rome", "Sydney", "Toronto", "Chicago", "Boston", "Lisbon", "Prague", "Vienna", "Seoul", "Dublin"];
const COMPANIES = ["Microsoft", "Google", "Apple", "Amazon", "Netflix", "Tesla", "Nvidia", "Intel", "Samsung", "Spotify"];
const PEOPLE = ["Albert Einstein", "Marie Curie", "Isaac Newton", "Ada Lovelace", "Nikola Tesla", "Charles Darwin", "Alan Turing", "Galileo Galilei"];
const DRUGS = ["ibuprofen", "aspirin", "acetaminophen", "naproxen", "amoxicillin", "metformin", "omeprazole", "sertraline", "loratadine", "cetirizine", "diphenhydramine", "prednisone"];
const LANGUAGES = ["French", "Spanish", "German", "Italian", "Japanese", "Portuguese", "Korean", "Dutch", "Russian", "Arabic"];
const PHRASES = ["good morning", "thank you very much", "where is the train station", "I love you", "how much does this cost", "nice to meet you"];
const PROG = ["Python", "JavaScript", "TypeScript", "Java", "Go", "Rust", "C#", "Ruby", "PHP", "Kotlin", "Swift", "C++"];
const TASKS = ["reverse a string", "read a file line by line", "sort a list of numbers", "parse JSON", "make an HTTP request", "remove duplicates from an array", "get the current date", "check if a key exists in a map"];
const IDENTS = [["useEffect", "useMemo"], ["useState", "useReducer"], ["Array.map", "Array.forEach"], ["Object.freeze", "Object.seal"], ["git rebase", "git merge"], ["os.path.join", "os.path.split"], ["str.split", "str.strip"], ["JSON.parse", "JSON.stringify"], ["Promise.all", "Promise.race"], ["malloc", "calloc"], ["let", "var"], ["==", "==="]] as const;
const TOPICS = ["saving money", "learning to code", "staying productive", "sleeping better", "public speaking", "running a marathon", "starting a podcast"];
const PLANTS = ["tomatoes", "cucumbers", "basil", "strawberries", "potatoes", "lettuce", "peppers", "carrots"];
const ANIMALS = ["cats", "dogs", "rabbits", "hamsters", "parrots", "goldfish", "turtles", "ferrets"];
const FOODS = ["banana", "apple", "avocado", "bagel", "croissant", "egg", "orange", "donut"];
const SAFE_ACTIONS = ["eat raw cookie dough", "drink tap water in Mexico", "take melatonin every night", "run every day", "microwave plastic containers", "swim after eating", "charge my phone overnight", "use a VPN for banking"];
const MONTHS = ["January", "February", "March", "April", "June", "July", "August", "September", "October", "November", "December"];
const UNITS_PAIRS = [["km", "miles"], ["kilograms", "pounds"], ["celsius", "fahrenheit"], ["liters", "gallons"], ["meters", "feet"], ["centimeters", "inches"], ["hours", "minutes"], ["GB", "MB"]] as const;
const ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "10th", "16th"];

const TEMPLATES: Template[] = [
  // numbers
  { kind: "number", n: 14, make: () => { const [x, y] = pickTwo([2, 3, 4, 5, 7, 9, 12, 15, 23, 48]); const z = pick([2, 3, 6, 8]); const op = pick(["+", "*", "-", " divided by "]); return [`What is ${x}${op}${z}?`, `What is ${y}${op}${z}?`]; } },
  { kind: "number", n: 12, make: () => { const [x, y] = pickTwo([3, 5, 7, 10, 12, 15, 20]); const t = pick(TOPICS); return [`Give me ${x} tips for ${t}`, `Give me ${y} tips for ${t}`]; } },
  { kind: "number", n: 12, make: () => { const [p, q] = pickTwo([5, 10, 12.5, 15, 18, 20, 25]); const x = pick([40, 80, 120, 250, 1200]); return [`What is ${p}% of ${x}?`, `What is ${q}% of ${x}?`]; } },
  { kind: "number", n: 10, make: () => { const [x, y] = pickTwo(["1998", "2002", "2006", "2010", "2014", "2018", "2022"]); return [`Who won the FIFA World Cup in ${x}?`, `Who won the FIFA World Cup in ${y}?`]; } },
  { kind: "number", n: 10, make: () => { const [x, y] = pickTwo(ORDINALS); return [`Who was the ${x} president of the United States?`, `Who was the ${y} president of the United States?`]; } },
  { kind: "number", n: 10, make: () => { const [x, y] = pickTwo(["two", "three", "five", "ten", "twenty", "fifty", "a hundred"]); return [`Write a story in ${x} sentences about a dragon`, `Write a story in ${y} sentences about a dragon`]; } },
  { kind: "number", n: 10, make: () => { const [x, y] = pickTwo([500, 1000, 1500, 2000, 2500, 3000]); return [`Is a ${x} calorie diet healthy for an adult?`, `Is a ${y} calorie diet healthy for an adult?`]; } },
  { kind: "number", n: 8, make: () => { const [x, y] = pickTwo([8, 16, 18, 21, 30, 65]); return [`What can I legally do at ${x} in the UK?`, `What can I legally do at ${y} in the UK?`]; } },
  { kind: "number", n: 8, make: () => { const [x, y] = pickTwo(["$50,000", "$75,000", "$100,000", "$150,000", "$250,000"]); return [`How much tax do I pay on a ${x} salary in California?`, `How much tax do I pay on a ${y} salary in California?`]; } },
  // units
  { kind: "unit", n: 16, make: () => { const [u1, u2] = pick(UNITS_PAIRS); const x = pick([1, 5, 10, 42, 100]); return rand() < 0.5 ? [`How much is ${x} ${u1} in ${u2}?`, `How much is ${x} ${u2} in ${u1}?`] : [`How long does it take to walk ${x} ${u1}?`, `How long does it take to walk ${x} ${u2}?`]; } },
  // dates
  { kind: "date", n: 12, make: () => { const [m1, m2] = pickTwo(MONTHS); const d = pick([1, 4, 11, 14, 25]); return [`What historical events happened on ${m1} ${d}?`, `What historical events happened on ${m2} ${d}?`]; } },
  { kind: "date", n: 8, make: () => { const [d1, d2] = pickTwo(["2024-03-01", "2024-03-15", "2023-12-31", "2025-01-06"]); return [`What day of the week is ${d1}?`, `What day of the week is ${d2}?`]; } },
  // negation
  { kind: "negation", n: 16, make: () => { const a = pick(SAFE_ACTIONS); return rand() < 0.5 ? [`Is it safe to ${a}?`, `Is it not safe to ${a}?`] : [`Why is it safe to ${a}?`, `Why isn't it safe to ${a}?`]; } },
  { kind: "negation", n: 12, make: () => { const [x, w] = pick([["cook rice", "a rice cooker"], ["make bread", "yeast"], ["bake a cake", "eggs"], ["make coffee", "a coffee maker"], ["learn to code", "a computer science degree"], ["lose weight", "exercise"], ["travel to Europe", "a visa"], ["sleep well", "melatonin"]]); return [`How do I ${x} with ${w}?`, `How do I ${x} without ${w}?`]; } },
  { kind: "negation", n: 10, make: () => { const f = pick(["foods contain gluten", "fruits have seeds", "countries use the euro", "animals are mammals", "languages use the Latin alphabet", "browsers support WebGPU"]); return [`Which ${f}?`, `Which ${f.replace(/ (contain|have|use|are|support) /, " do not $1 ").replace("do not are", "are not")}?`]; } },
  { kind: "negation", n: 8, make: () => { const s = pick(["my React component re-render", "my Docker container start", "my Python script find the module", "my laptop charge", "my SQL query use the index"]); return [`Why does ${s}?`, `Why doesn't ${s}?`]; } },
  // entities
  { kind: "entity", n: 14, make: () => { const [x, y] = pickTwo(COUNTRIES); const t = pick(["What is the capital of X?", "What is the population of X?", "What is the best time to visit X?", "What currency does X use?"]); return [t.replace("X", x), t.replace("X", y)]; } },
  { kind: "entity", n: 12, make: () => { const [x, y] = pickTwo(CITIES); const t = pick(["Best things to do in X this weekend", "What's the weather usually like in X in spring?", "Cheap hotels in X near the center", "How do I get from the airport to downtown X?"]); return [t.replace("X", x), t.replace("X", y)]; } },
  { kind: "entity", n: 10, make: () => { const [x, y] = pickTwo(COMPANIES); const t = pick(["Who is the CEO of X?", "When was X founded?", "How does X make money?", "What is X's market cap?"]); return [t.replace("X", x), t.replace("X", y)]; } },
  { kind: "entity", n: 8, make: () => { const [x, y] = pickTwo(PEOPLE); const t = pick(["What is X famous for?", "Where was X born?", "Summarise the life of X"]); return [t.replace("X", x), t.replace("X", y)]; } },
  // drugs
  { kind: "drug", n: 20, make: () => { const [x, y] = pickTwo(DRUGS); const t = pick(["What are the side effects of X?", "Can I take X while pregnant?", "What is the maximum daily dose of X?", "Can I drink alcohol with X?", "Is X safe for children?", "how long does X take to work"]); return [t.replace("X", x), t.replace("X", y)]; } },
  // languages
  { kind: "language", n: 14, make: () => { const [x, y] = pickTwo(LANGUAGES); const p = pick(PHRASES); return rand() < 0.5 ? [`Translate "${p}" into ${x}`, `Translate "${p}" into ${y}`] : [`How do you say ${p} in ${x.toLowerCase()}?`, `How do you say ${p} in ${y.toLowerCase()}?`]; } },
  // code: languages and identifiers
  { kind: "code", n: 14, make: () => { const [x, y] = pickTwo(PROG); const t = pick(TASKS); return [`How do I ${t} in ${x}?`, `How do I ${t} in ${y}?`]; } },
  { kind: "code", n: 12, make: () => { const [x, y] = pick(IDENTS); const t = pick(["How do I use X correctly?", "When should I use `X`?", "Explain `X` with an example", "Why is `X` slow?"]); return [t.replace("X", x), t.replace("X", y)]; } },
  // content nouns (lowercase, not in any name list)
  { kind: "content", n: 10, make: () => { const [x, y] = pickTwo(PLANTS); return [`How do I grow ${x} on a balcony?`, `How do I grow ${y} on a balcony?`]; } },
  { kind: "content", n: 10, make: () => { const [x, y] = pickTwo(ANIMALS); const t = pick(["What should I feed my X?", "How long do X live?", "How often should I take my X to the vet?"]); return [t.replace("X", x), t.replace("X", y)]; } },
  { kind: "content", n: 10, make: () => { const [x, y] = pickTwo(FOODS); return [`How many calories are in a ${x}?`, `How many calories are in a ${y}?`]; } },
];

// Hand-written pairs: what users actually type, including ones that defeat a naive rule.
const HAND: [string, string, HardNegative["kind"]][] = [
  ["What is 2+2?", "What is 3+3?", "number"],
  ["what's 2 + 2", "what's 2 x 2", "number"],
  ["How many ounces in a cup?", "How many ounces in a pint?", "content"],
  ["How many tablespoons in a cup?", "How many teaspoons in a cup?", "unit"],
  ["Is 37.5 C a fever?", "Is 38.5 C a fever?", "number"],
  ["My baby has a fever of 39, what should I do?", "My baby has a fever of 37, what should I do?", "number"],
  ["Can I give my 2 year old ibuprofen?", "Can I give my 6 month old ibuprofen?", "number"],
  ["Is ibuprofen an NSAID?", "Is acetaminophen an NSAID?", "drug"],
  ["Can dogs eat grapes?", "Can dogs eat blueberries?", "content"],
  ["Can cats eat chocolate?", "Can dogs eat chocolate?", "content"],
  ["Is coffee bad for your heart?", "Is coffee good for your heart?", "content"],
  ["What's the difference between a virus and bacteria?", "What's the difference between a virus and a fungus?", "content"],
  ["How do I exit vim?", "How do I exit nano?", "code"],
  ["How do I undo the last git commit?", "How do I undo the last git push?", "code"],
  ["How do I delete a local git branch?", "How do I delete a remote git branch?", "content"],
  ["Convert this SQL query to use a LEFT JOIN", "Convert this SQL query to use an INNER JOIN", "code"],
  ["What does HTTP status 404 mean?", "What does HTTP status 403 mean?", "number"],
  ["What does error code 0x80070005 mean?", "What does error code 0x80070057 mean?", "code"],
  ["Why do I get 'ModuleNotFoundError: No module named numpy'?", "Why do I get 'ModuleNotFoundError: No module named pandas'?", "code"],
  ["Explain the difference between TCP and UDP", "Explain the difference between TCP and QUIC", "entity"],
  ["What is the time complexity of quicksort?", "What is the time complexity of mergesort?", "content"],
  ["What's the weather in Paris tomorrow?", "What's the weather in Paris today?", "date"],
  ["What's the exchange rate from USD to EUR?", "What's the exchange rate from USD to GBP?", "unit"],
  ["Summarize chapter 3 of Moby Dick", "Summarize chapter 4 of Moby Dick", "number"],
  ["Who wrote Pride and Prejudice?", "Who wrote Sense and Sensibility?", "entity"],
  ["What is the boiling point of water at sea level?", "What is the freezing point of water at sea level?", "content"],
  ["What is the speed of light in a vacuum?", "What is the speed of sound in a vacuum?", "content"],
  ["Give me a recipe for vegan lasagna", "Give me a recipe for vegetarian lasagna", "content"],
  ["Write a cover letter for a software engineer job", "Write a cover letter for a data scientist job", "content"],
  ["Write a poem about the ocean in the style of Shakespeare", "Write a poem about the ocean in the style of Dr. Seuss", "entity"],
  ["Is it better to rent or buy a house in 2024?", "Is it better to rent or buy a house in 2025?", "number"],
  ["What are the symptoms of type 1 diabetes?", "What are the symptoms of type 2 diabetes?", "number"],
  ["How long should I boil a soft boiled egg?", "How long should I boil a hard boiled egg?", "content"],
  ["Is the Earth closer to the Sun in January?", "Is the Earth closer to the Sun in July?", "date"],
  ["Should I use tabs or spaces in Python?", "Should I use tabs or spaces in Go?", "code"],
  ["Does Python pass arguments by reference?", "Does Java pass arguments by reference?", "code"],
  ["How to center a div horizontally?", "How to center a div vertically?", "content"],
  ["Best laptop under $1000", "Best laptop under $500", "number"],
  ["Flights from New York to London", "Flights from London to New York", "entity"],
  ["Translate 'I am hungry' to German", "Translate 'I am thirsty' to German", "language"],
  ["Is it legal to drive barefoot in California?", "Is it illegal to drive barefoot in California?", "negation"],
  ["List all prime numbers below 50", "List all prime numbers above 50", "content"],
  ["What happens if I don't pay my taxes?", "What happens if I pay my taxes?", "negation"],
  ["Which vitamins are fat soluble?", "Which vitamins are water soluble?", "content"],
  ["How do I increase my credit score?", "How do I decrease my credit score?", "content"],
  ["What is the population of Sydney, Australia?", "What is the population of Sydney, Nova Scotia?", "entity"],
  ["Explain how mRNA vaccines work", "Explain how viral vector vaccines work", "content"],
  ["Recommend a sci-fi book like Dune", "Recommend a sci-fi book like Foundation", "entity"],
  ["How many bones does an adult human have?", "How many bones does a baby human have?", "content"],
  ["Write a SQL query to find the second highest salary", "Write a SQL query to find the third highest salary", "number"],
];

export function buildHardNegatives(): HardNegative[] {
  const out: HardNegative[] = [];
  const seen = new Set<string>();
  for (const t of TEMPLATES) {
    let made = 0;
    for (let attempt = 0; made < t.n && attempt < t.n * 20; attempt++) {
      const [a, b] = t.make();
      const key = `${a}\u0000${b}`;
      if (a === b || seen.has(key)) continue;
      seen.add(key);
      out.push({ a, b, kind: t.kind, source: "template" });
      made++;
    }
  }
  for (const [a, b, kind] of HAND) out.push({ a, b, kind, source: "hand" });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pairs = buildHardNegatives();
  const file = path.join(import.meta.dirname, "hard-negatives.json");
  writeFileSync(file, JSON.stringify(pairs, null, 1) + "\n");
  const byKind: Record<string, number> = {};
  for (const p of pairs) byKind[p.kind] = (byKind[p.kind] ?? 0) + 1;
  console.log(`wrote ${pairs.length} pairs to ${file}`, byKind);
}
