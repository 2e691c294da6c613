// DATE_TIME the way spaCy's DATE/TIME labels find it, minus its noisiest part: weekdays, month
// names with a day or year, calendar and clock formats, and years — but not relative phrases
// ("next week", "today"), which are not identifying and cost spaCy most of its precision.
import type { Lexicon } from "./lexicon";
import type { Claims } from "./spans";
import type { Token } from "./tokenize";

const NUMERIC_DATE = /^(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})|\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2})$/;
const CLOCK = /^\d{1,2}:\d{2}(?::\d{2})?$/;
const YEAR = /^(?:19|20)\d{2}$/;
const DAY = /^(?:[1-9]|[12]\d|3[01])$/;
// Words before a number that make it an identifier or an amount, not a year.
const NOT_YEAR_BEFORE = new Set(["#", "$", "€", "£", "no", "number", "page", "room", "flight", "card", "code", "pin", "id", "apt", "suite", "unit", "box", "route", "ext", "x"]);
const NOT_YEAR_AFTER = new Set(["%", "$", "km", "kg", "mb", "gb", "ms", "px", "usd", "eur", "dollars", "euros", "people", "users", "items", "words", "calories", "miles", "meters", "feet", "lbs"]);
const YEAR_CUES = new Set(["in", "since", "year", "of", "from", "until", "by", "circa", "born", "founded", "during", "before", "after", "between", "to", "and", "established", "est", "early", "late", "mid", "summer", "winter", "spring", "fall", "autumn"]);
const MERIDIEM = new Set(["am", "pm", "a.m", "p.m"]);

function nextWord(tokens: readonly Token[], i: number): Token | undefined {
  return tokens[i + 1];
}

export function findDates(tokens: readonly Token[], lex: Lexicon, claims: Claims): void {
  const add = (i: number, j: number, score: number, rule: string) => {
    const start = tokens[i].start;
    const end = tokens[j].end;
    if (!claims.overlaps(start, end)) claims.add({ entityType: "DATE_TIME", start, end, score, rule });
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === "num") {
      if (NUMERIC_DATE.test(t.text)) {
        // "2000-04-16 11:34:35" is one date-time.
        const n = nextWord(tokens, i);
        const j = n && CLOCK.test(n.text) && n.start - t.end <= 2 ? i + 1 : i;
        add(i, j, 0.85, "date.numeric");
        i = j;
        continue;
      }
      if (CLOCK.test(t.text)) {
        const n = nextWord(tokens, i);
        const j = n && MERIDIEM.has(n.lower) ? i + 1 : i;
        add(i, j, 0.6, "date.clock");
        i = j;
        continue;
      }
      if (YEAR.test(t.text)) {
        const prev = tokens[i - 1];
        const next = tokens[i + 1];
        if (prev && (NOT_YEAR_BEFORE.has(prev.lower) || (prev.kind === "num" && t.start - prev.end < 2))) continue;
        if (next && (NOT_YEAR_AFTER.has(next.lower) || (next.kind === "num" && next.start - t.end < 2))) continue;
        // "the 1990s" is one token "1990" + "s".
        const decade = next && next.lower === "s" && next.start === t.end;
        const cue = prev !== undefined && YEAR_CUES.has(prev.lower);
        add(i, decade ? i + 1 : i, cue ? 0.6 : 0.45, cue ? "date.year.cue" : "date.year");
        continue;
      }
      if (DAY.test(t.text)) {
        // "5 January (2020)"
        const n = tokens[i + 1];
        if (n && lex.months.has(n.lower) && n.lower !== "may" && n.shape !== "lower") {
          const y = tokens[i + 2];
          add(i, y && YEAR.test(y.text) ? i + 2 : i + 1, 0.85, "date.day-month");
          i += 1;
        }
      }
      continue;
    }
    if (t.kind !== "word") continue;
    if (lex.weekdays.has(t.lower)) {
      add(i, i, t.shape === "lower" ? 0.45 : 0.6, "date.weekday");
      continue;
    }
    if (lex.months.has(t.lower) && t.shape !== "lower") {
      // "January 5, 2020", "January 2020", "Jan. 5"; a month alone only when unambiguous.
      let j = i;
      if (tokens[j + 1]?.text === ".") j++;
      const d = tokens[j + 1];
      if (d && (DAY.test(d.text) || /^\d{1,2}(?:st|nd|rd|th)$/.test(d.text))) {
        j++;
        const comma = tokens[j + 1]?.text === "," ? 1 : 0;
        const y = tokens[j + 1 + comma];
        if (y && YEAR.test(y.text)) j += 1 + comma;
        add(i, j, 0.85, "date.month-day");
        i = j;
      } else if (d && YEAR.test(d.text)) {
        add(i, j + 1, 0.85, "date.month-year");
        i = j + 1;
      } else if (t.lower !== "may" && t.lower !== "march" && t.lower.length > 3 && !t.sentenceStart) {
        add(i, i, 0.45, "date.month");
      }
    }
  }
}
