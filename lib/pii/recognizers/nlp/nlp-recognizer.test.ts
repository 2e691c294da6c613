import { beforeAll, describe, expect, it } from "vitest";
import { createAnalyzer } from "../../engine";
import { createNlpRecognizer, NLP_ENTITIES, warmUpNlp } from "./nlp-recognizer";

const recognizer = createNlpRecognizer();
const ALL = new Set<string>(NLP_ENTITIES);

/** The spans of one type, as text, that pass the evaluation threshold (0.4). */
function found(text: string, type: string, threshold = 0.4): string[] {
  return recognizer
    .analyze({ text, entities: ALL })
    .filter((r) => r.entityType === type && r.score >= threshold)
    .map((r) => text.slice(r.start, r.end));
}

beforeAll(() => {
  // The lexicon (compromise + GeoNames towns) is built once; keep that out of the timings below.
  const status = warmUpNlp();
  expect(status.townsLoaded).toBe(true);
  expect(status.townCount).toBeGreaterThan(100_000);
});

describe("PERSON", () => {
  it("takes the names after a title, not the title", () => {
    expect(found("Please ask Mrs. Jane Doe about it.", "PERSON")).toEqual(["Jane Doe"]);
    expect(found("The verses from Dr. Faina D. Yefremova's Cautionary Tales", "PERSON")).toEqual(["Faina D. Yefremova"]);
  });

  it("finds full names, known first names and names after a cue", () => {
    expect(found("Yesterday I met Sara Schwarz at the station.", "PERSON")).toEqual(["Sara Schwarz"]);
    expect(found("Can you send it to Nicole before noon?", "PERSON")).toEqual(["Nicole"]);
    expect(found("My name is Rubija", "PERSON")).toEqual(["Rubija"]);
    expect(found("Directed By:    Johannes Varvio", "PERSON")).toEqual(["Johannes Varvio"]);
  });

  it("reads lowercase names only after an explicit cue", () => {
    expect(found("hi, my name is patricia desrosiers", "PERSON")).toEqual(["patricia desrosiers"]);
    expect(found("i will mark the bill as paid and grant access", "PERSON")).toEqual([]);
  });

  it("reads upper-case names when their words are names, not acronyms", () => {
    expect(found("SIGNED: MARY JOHNSON", "PERSON")).toEqual(["MARY JOHNSON"]);
    expect(found("The NASA API returned an HTTP error from AWS.", "PERSON")).toEqual([]);
  });

  it("does not take capitalised words at sentence starts or titles of works for names", () => {
    const text = "Answer the question. Please help me. Thanks for that! Unlike the novel, it works. Tube Snake Boogie is a song. Entertainment Weekly liked it.";
    expect(found(text, "PERSON")).toEqual([]);
    expect(found(text, "LOCATION")).toEqual([]);
  });

  it("scores a lone unknown capitalised word below the threshold", () => {
    const all = recognizer.analyze({ text: "Zorblax is broken again.", entities: ALL });
    expect(all.filter((r) => r.score >= 0.4)).toEqual([]);
  });

  it("calls a list of surnames a firm, not people", () => {
    const text = "I work at Davis, Reynolds and Williamson since May.";
    expect(found(text, "PERSON")).toEqual([]);
    expect(found(text, "ORGANIZATION")).toEqual(["Davis, Reynolds and Williamson"]);
    expect(found("She joined Allstate Insurance Group last year.", "ORGANIZATION")).toEqual(["Allstate Insurance Group"]);
  });
});

describe("LOCATION", () => {
  it("finds countries, US states and cities", () => {
    expect(found("I will be travelling to Canada next week", "LOCATION")).toEqual(["Canada"]);
    expect(found("We moved here from South Africa.", "LOCATION")).toEqual(["South Africa"]);
    expect(found("She lives in Ohio with her sister.", "LOCATION")).toEqual(["Ohio"]);
    expect(found("The conference is in Tokyo this year.", "LOCATION")).toEqual(["Tokyo"]);
  });

  it("finds small towns from GeoNames and unknown places after a strong cue", () => {
    expect(found("My friend lives in Kenosha", "LOCATION")).toEqual(["Kenosha"]);
    expect(found("He grew up in Zzyzxville.", "LOCATION")).toEqual(["Zzyzxville"]);
  });

  it("reads towns in capitals, and lowercase countries only after a cue", () => {
    expect(found("I am in LAPPEENRANTA for the week", "LOCATION")).toEqual(["LAPPEENRANTA"]);
    expect(found("i'm originally from canada", "LOCATION")).toEqual(["canada"]);
  });

  it("needs a cue for places that are also names or ordinary words", () => {
    expect(found("Florence sent the report.", "LOCATION")).toEqual([]);
    expect(found("Charlotte sent the report.", "LOCATION")).toEqual([]);
    expect(found("Charlotte sent the report.", "PERSON")).toEqual(["Charlotte"]);
    expect(found("We spent a week in Charlotte.", "LOCATION")).toEqual(["Charlotte"]);
    expect(found("We spent a week in Florence.", "LOCATION")).toEqual(["Florence"]);
  });

  it("finds a street address with the town and state after it as one span", () => {
    expect(found("Tom lives at 1668 Glyn St, Kenosha, WI 53140 now", "LOCATION")).toEqual(["1668 Glyn St, Kenosha, WI 53140"]);
  });

  it("finds European and military addresses and whole address blocks", () => {
    expect(found("Send it to Koskikatu 25, please", "LOCATION")).toEqual(["Koskikatu 25"]);
    expect(found("The restaurant is at Via Franscini 71.", "LOCATION")).toEqual(["Via Franscini 71"]);
    expect(found("Ship to PSC 0413, Box 8144\nAPO AA 42323", "LOCATION")).toEqual(["PSC 0413, Box 8144\nAPO AA 42323"]);
    const block = "Jane Doe\n\n14 Crown Street\n Suite 321\n LONDON\n United Kingdom 75419\nMobile: 555-0100";
    expect(found(block, "LOCATION")).toEqual(["14 Crown Street\n Suite 321\n LONDON\n United Kingdom 75419"]);
    expect(found(block, "PERSON")).toEqual(["Jane Doe"]);
  });

  it("does not take counted things for addresses", () => {
    expect(found("I have 2 kids in the park and 3 dogs on the way home.", "LOCATION")).toEqual([]);
  });
});

describe("NRP", () => {
  it("finds nationalities, religions and political groups", () => {
    expect(found("There's a nice new American place downtown.", "NRP")).toEqual(["American"]);
    expect(found("He is a devout Muslim.", "NRP")).toEqual(["Muslim"]);
    expect(found("The Democrats won the vote.", "NRP")).toEqual(["Democrats"]);
    expect(found("my neighbours are cambodian", "NRP")).toEqual(["cambodian"]);
  });

  it("leaves lowercase ordinary words alone", () => {
    expect(found("Please polish the french doors, it is a liberal amount of work.", "NRP")).toEqual([]);
  });
});

describe("DATE_TIME", () => {
  it("finds years, weekdays, calendar and clock formats", () => {
    expect(found("The orchestra was founded in 1977.", "DATE_TIME")).toEqual(["1977"]);
    expect(found("See you on Tuesday", "DATE_TIME")).toEqual(["Tuesday"]);
    expect(found("Logged at 2000-04-16 11:34:35 by the system", "DATE_TIME")).toEqual(["2000-04-16 11:34:35"]);
    expect(found("Born January 5, 1980 in a small town", "DATE_TIME")).toEqual(["January 5, 1980"]);
  });

  it("skips relative dates, amounts and identifiers", () => {
    expect(found("I need it by next week, tomorrow at the latest.", "DATE_TIME")).toEqual([]);
    expect(found("It costs $2000 and room 1984 is free.", "DATE_TIME")).toEqual([]);
  });

  it("does not read a house number as a year", () => {
    const text = "Meet me at 2004 Main Street tonight.";
    expect(found(text, "DATE_TIME")).toEqual([]);
    expect(found(text, "LOCATION")).toEqual(["2004 Main Street"]);
  });
});

describe("recognizer contract", () => {
  it("reports only the requested entities, with offsets into the text", () => {
    const text = "Mr. John Smith, an American, lives in Ohio since 1999.";
    const only = recognizer.analyze({ text, entities: new Set(["NRP"]) });
    expect(only.map((r) => r.entityType)).toEqual(["NRP"]);
    for (const r of recognizer.analyze({ text, entities: ALL })) {
      expect(r.start).toBeGreaterThanOrEqual(0);
      expect(r.end).toBeLessThanOrEqual(text.length);
      expect(r.score).toBeGreaterThan(0);
      expect(r.score).toBeLessThanOrEqual(1);
      expect(r.recognizer).toBe("NlpRecognizer");
    }
    expect(recognizer.analyze({ text, entities: new Set(["EMAIL_ADDRESS"]) })).toEqual([]);
  });

  it("works inside the engine at the evaluation threshold", () => {
    const analyzer = createAnalyzer([recognizer]);
    const text = "Dear Mrs. Katrine Jensen, your order ships to 450 Crown St, Springfield, IL 62701 on Monday.";
    const results = analyzer.analyze(text, { entities: [...NLP_ENTITIES], scoreThreshold: 0.4 });
    expect(results.map((r) => [r.entityType, text.slice(r.start, r.end)])).toEqual([
      ["PERSON", "Katrine Jensen"],
      ["LOCATION", "450 Crown St, Springfield, IL 62701"],
      ["DATE_TIME", "Monday"],
    ]);
  });
});

