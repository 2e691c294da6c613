// DATE_TIME: Presidio's DateRecognizer patterns and scores (ISO 8601 0.8, numeric dates 0.6,
// month/year 0.2, mm/yy 0.1), context "date", "birthday". Case-insensitive like Presidio
// ("12-jan-2020").
import { PatternRecognizer } from "../pattern-recognizer";

const MON = "(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)";
const D = "(?:[1-9]|0[1-9]|[1-2][0-9]|3[0-1])";
const M = "(?:[1-9]|0[1-9]|1[0-2])";
const ISO_DATE = "\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])";
const TZ = "(?:[+-][0-2]\\d:[0-5]\\d|Z)";

export function dateRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "DateRecognizer",
    entity: "DATE_TIME",
    patterns: [
      {
        name: "ISO 8601 datetime",
        regex: `\\b(?:${ISO_DATE}T[0-2]\\d:[0-5]\\d:[0-5]\\d\\.\\d+${TZ}|${ISO_DATE}T[0-2]\\d:[0-5]\\d:[0-5]\\d${TZ}|${ISO_DATE}T[0-2]\\d:[0-5]\\d${TZ})`,
        score: 0.8,
      },
      { name: "mm/dd/yyyy or mm/dd/yy", regex: `\\b${M}/${D}/(?:\\d{4}|\\d{2})\\b`, score: 0.6 },
      { name: "dd/mm/yyyy or dd/mm/yy", regex: `\\b${D}/${M}/(?:\\d{4}|\\d{2})\\b`, score: 0.6 },
      { name: "yyyy/mm/dd", regex: `\\b\\d{4}/${M}/${D}\\b`, score: 0.6 },
      { name: "mm-dd-yyyy", regex: `\\b${M}-${D}-\\d{4}\\b`, score: 0.6 },
      { name: "dd-mm-yyyy", regex: `\\b${D}-${M}-\\d{4}\\b`, score: 0.6 },
      { name: "yyyy-mm-dd", regex: `\\b\\d{4}-${M}-${D}\\b`, score: 0.6 },
      { name: "dd.mm.yyyy or dd.mm.yy", regex: `\\b${D}\\.${M}\\.(?:\\d{4}|\\d{2})\\b`, score: 0.6 },
      { name: "dd-MMM-yyyy or dd-MMM-yy", regex: `\\b${D}-${MON}-(?:\\d{4}|\\d{2})\\b`, score: 0.6 },
      { name: "MMM-yyyy or MMM-yy", regex: `\\b${MON}-(?:\\d{4}|\\d{2})\\b`, score: 0.6 },
      { name: "dd-MMM or dd-MMM", regex: `\\b${D}-${MON}\\b`, score: 0.6 },
      { name: "mm/yyyy or m/yyyy", regex: `\\b${M}/\\d{4}\\b`, score: 0.2 },
      { name: "mm/yy or m/yy", regex: `\\b${M}/\\d{2}\\b`, score: 0.1 },
    ],
    context: ["date", "birthday"],
    prefilter: /\d/,
  });
}
