// Where we go beyond Presidio on purpose: card numbers its regex misses (DESIGN.md: CREDIT_CARD
// recall 0.772 on the synth set), lower-case Ethereum addresses, URL punctuation.
import { describe, expect, it } from "vitest";
import { luhn } from "./checksums";
import { creditCardRecognizer } from "./credit-card";
import { cryptoRecognizer } from "./crypto";
import { urlRecognizer } from "./url";

/** Appends the Luhn check digit. */
function withCheck(prefix: string): string {
  for (let d = 0; d <= 9; d++) if (luhn(prefix + d)) return prefix + d;
  throw new Error("unreachable");
}

const cc = creditCardRecognizer();
const found = (text: string) => cc.analyzeText(text).map((r) => [text.slice(r.start, r.end), r.score]);

describe("CREDIT_CARD beyond Presidio", () => {
  const visa19 = withCheck("411111111111111111");
  const mc2 = withCheck("222300004840001");
  const maestro12 = withCheck("50180000000");
  const unionPay19 = withCheck("621234567890123456");
  const discover19 = withCheck("601100000000000000");
  const mir = withCheck("220012345678901");

  it.each([
    ["19-digit Visa", visa19],
    ["2-series Mastercard", mc2],
    ["12-digit Maestro", maestro12],
    ["19-digit UnionPay", unionPay19],
    ["19-digit Discover", discover19],
    ["Mir", mir],
  ])("finds a %s, plain and grouped", (_label, number) => {
    expect(found(`card ${number} ok`)).toEqual([[number, 1]]);
    const grouped = number.replace(/(\d{4})(?=\d)/g, "$1 ");
    expect(found(`card ${grouped} ok`)).toEqual([[grouped, 1]]);
  });

  it("Presidio's own regex would miss these (its head digits and lengths)", () => {
    const presidio = /\b(?!1\d{12}(?!\d))((4\d{3})|(5[0-5]\d{2})|(6\d{3})|(1\d{3})|(3\d{3}))[- ]?(\d{3,4})[- ]?(\d{3,4})[- ]?(\d{3,5})\b/;
    for (const n of [visa19, mc2, maestro12, unionPay19]) expect(presidio.test(n)).toBe(false);
  });

  it("finds Amex and Diners in their 4-6-5 / 4-6-4 groupings", () => {
    expect(found("amex 3782 822463 10005")).toEqual([["3782 822463 10005", 1]]);
    expect(found("diners 3056 930902 5904")).toEqual([["3056 930902 5904", 1]]);
  });

  it("drops a trailing CVV rather than the card", () => {
    expect(found("4111 1111 1111 1111 123")).toEqual([["4111 1111 1111 1111", 1]]);
  });

  it("does not widen to Luhn-valid ids without a card issuer prefix", () => {
    expect(found(withCheck("90000000000"))).toEqual([]); // 12 digits, no issuer
    expect(found(withCheck("41111111111"))).toEqual([]); // 12-digit "Visa": no such length
    const good = withCheck("411111111111111111");
    const bad = good.slice(0, 18) + String((Number(good[18]) + 1) % 10);
    expect(found(bad)).toEqual([]); // wrong check digit
  });
});

describe("CRYPTO beyond Presidio", () => {
  const r = cryptoRecognizer();
  it("keeps a single-case Ethereum address (no EIP-55 checksum to verify) at the pattern score", () => {
    const text = "send to 0x52908400098527886e0f7030069857d2e4169ee7 please";
    expect(r.analyzeText(text).map((x) => [text.slice(x.start, x.end), x.score])).toEqual([["0x52908400098527886E0F7030069857D2E4169EE7".toLowerCase(), 0.5]]);
  });
  it("validates mixed-case addresses with EIP-55 (1.0) and drops a wrong checksum", () => {
    expect(r.analyzeText("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").map((x) => x.score)).toEqual([1]);
    expect(r.analyzeText("0x5aAeb6053f3E94C9b9A09f33669435E7Ef1BeAed")).toEqual([]);
  });
});

describe("URL beyond Presidio", () => {
  it("leaves sentence punctuation after a path out of the span", () => {
    const text = "See https://example.com/a/b. Then go.";
    expect(urlRecognizer().analyzeText(text).map((x) => text.slice(x.start, x.end))).toEqual(["https://example.com/a/b"]);
  });
});
