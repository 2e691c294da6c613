// PhoneRecognizer beyond Presidio's own vectors (presidio-vectors.test.ts): extensions, "+"
// numbers outside allocated ranges, and the precision filters (postcodes, house numbers,
// dates, IPs, other identifiers) — shapes taken from Presidio's synthetic evaluation set — plus
// the two fixes that recognizer context decides elsewhere (US_DRIVER_LICENSE, IBAN_CODE).
import { describe, expect, it } from "vitest";
import { createAnalyzer } from "../engine";
import { ibanRecognizer } from "./iban";
import { defaultRecognizers } from "./index";
import { phoneCandidates, phoneRecognizer } from "./phone";

const phone = phoneRecognizer();
const phones = (text: string) => phone.analyzeText(text).map((r) => text.slice(r.start, r.end));

describe("PHONE_NUMBER recall", () => {
  it.each([
    ["Fax: 345-899-3560x4587\n", "345-899-3560x4587"],
    ["Desk: +1-903-140-4508x769\nFax: ", "+1-903-140-4508x769"],
    ["Desk: (898)666-3621 ext. 135.", "(898)666-3621 ext. 135"],
    ["Desk: +447700 921 916\nFax: ", "+447700 921 916"],
    ["Mobile: +41 (0)96 471 07 95", "+41 (0)96 471 07 95"],
    ["Please have the manager call me at 0494 92 82 32 I'd like to join accounts", "0494 92 82 32"],
    ["Phone:\n60-56-85-91", "60-56-85-91"],
    ["Mobile: 03.93.92.16.85", "03.93.92.16.85"],
    ["at 416 60 039 office", "416 60 039"],
    ["Desk: 5403926876\nFax:", "5403926876"],
  ])("%j → %j", (text, expected) => {
    expect(phones(text)).toEqual([expected]);
  });

  it("finds every number of a run that holds several", () => {
    // (Groups separated by spaces only, "0490 75 40 81 0494 92 82 32", are one candidate to
    // libphonenumber's matcher, which then finds nothing — as before this recognizer's rewrite.)
    expect(phones("Phones: 415-555-0132 415-555-0133 415-555-0134 415-555-0135 415-555-0136 415-555-0137")).toHaveLength(6);
  });
});

describe("PHONE_NUMBER precision", () => {
  it.each([
    ["a postcode", "Kenosha, PA 17151"],
    ["a house number and postcode before a street", "The restaurant is at 17151 2450 Crown St"],
    ["a house number before a lower-case street", "hubbard, fox and gillespie\n3747 3911 fourth avenue suite 112"],
    ["a suite number", "Mrs. Jennifer Alcaraz Suite 541 6343 Skogstien 106"],
    ["a date and time", "When: 2000-04-16 11:34:35\nWhere: Upton"],
    ["an IPv4 address", "keep getting address 106.31.73.20 blocked"],
    ["a driver's license number", "My driver's license number is 6940579"],
    ["a card number", "the last billed amount for cc 503802053770 on my e-mail"],
    ["a solid 15-digit number", "ref 213176828496175"],
  ])("not %s", (_label, text) => {
    expect(phones(text)).toEqual([]);
  });

  it("keeps a number with a phone cue even when another cue is near", () => {
    expect(phones("card lost, call 415-555-0132")).toEqual(["415-555-0132"]);
  });

  it("hands the matcher only runs of 7+ digits", () => {
    const text = "Flat 12, 221B Baker St, NW1 6XE, 1999, tel 020 7946 0958";
    expect(phoneCandidates(text).map((c) => text.slice(c.start, c.end))).toEqual(["020 7946 0958"]);
  });
});

describe("US_DRIVER_LICENSE and IBAN_CODE in the analyzer", () => {
  const analyzer = createAnalyzer(defaultRecognizers());
  const entities = analyzer.supportedEntities;
  const spans = (text: string) => analyzer.analyze(text, { entities, scoreThreshold: 0.4 }).map((r) => [r.entityType, text.slice(r.start, r.end)]);

  it("a 7-digit license number is a license, not a phone number", () => {
    expect(spans("My driver's license number is 6940579")).toEqual([["US_DRIVER_LICENSE", "6940579"]]);
  });

  it("a lower-case IBAN is found; a mixed-case one is not", () => {
    expect(spans("my iban is gb42nawi04454264788619")).toEqual([["IBAN_CODE", "gb42nawi04454264788619"]]);
    const iban = ibanRecognizer();
    expect(iban.analyzeText("GB82WEST12345698765432 gb82west12345698765432 Gb82WeSt12345698765432").map((r) => r.start)).toEqual([0, 23]);
  });
});
