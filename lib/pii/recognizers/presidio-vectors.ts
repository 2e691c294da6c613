// Maps Presidio's recognizer test files (ported to JSON in
// ../shared/data/pii/presidio_recognizer_test_vectors.json) to our recognizers, and runs one
// case the way Presidio's test does. Used by presidio-vectors.test.ts.
import type { RecognizerResult } from "../types";
import { auAbnRecognizer, auAcnRecognizer, auMedicareRecognizer, auTfnRecognizer } from "./au";
import { caSinRecognizer } from "./ca";
import { creditCardRecognizer } from "./credit-card";
import { cryptoRecognizer } from "./crypto";
import { dateRecognizer } from "./date";
import { emailRecognizer } from "./email";
import { esNieRecognizer, esNifRecognizer } from "./es";
import { fiPersonalIdentityCodeRecognizer } from "./fi";
import { ibanRecognizer } from "./iban";
import { inAadhaarRecognizer, inPanRecognizer, inPassportRecognizer, inVehicleRegistrationRecognizer, inVoterRecognizer } from "./in";
import { ipRecognizer } from "./ip";
import { itDriverLicenseRecognizer, itFiscalCodeRecognizer, itIdentityCardRecognizer, itPassportRecognizer, itVatCodeRecognizer } from "./it";
import { krRrnRecognizer } from "./kr";
import { macRecognizer } from "./mac";
import { phoneRecognizer } from "./phone";
import { plPeselRecognizer, validatePesel } from "./pl";
import { sgFinRecognizer, sgUenRecognizer } from "./sg";
import { thTninRecognizer } from "./th";
import { ukNhsRecognizer, ukNinoRecognizer } from "./uk";
import { urlRecognizer } from "./url";
import {
  abaRoutingRecognizer,
  medicalLicenseRecognizer,
  usBankRecognizer,
  usDriverLicenseRecognizer,
  usItinRecognizer,
  usPassportRecognizer,
  usSsnRecognizer,
} from "./us";

export interface TextAnalyzer {
  analyzeText(text: string): RecognizerResult[];
}

export interface VectorTarget {
  make: (args: Record<string, unknown>) => TextAnalyzer;
  /** Validator functions for Presidio's `test_validate_*` cases, by test name. */
  validators?: Record<string, (value: string) => boolean | undefined>;
}

export const VECTOR_TARGETS: Record<string, VectorTarget> = {
  "test_aba_routing_recognizer.py": { make: abaRoutingRecognizer },
  "test_au_abn_recognizer.py": { make: auAbnRecognizer },
  "test_au_acn_recognizer.py": { make: auAcnRecognizer },
  "test_au_medicare_recognizer.py": { make: auMedicareRecognizer },
  "test_au_tfn_recognizer.py": { make: auTfnRecognizer },
  "test_ca_sin_recognizer.py": { make: caSinRecognizer },
  "test_certificate_number_recognizer.py": { make: medicalLicenseRecognizer },
  "test_credit_card_recognizer.py": { make: creditCardRecognizer },
  "test_crypto_recognizer.py": { make: cryptoRecognizer },
  "test_date_recognizer.py": { make: dateRecognizer },
  "test_email_recognizer.py": { make: emailRecognizer },
  "test_es_nie_recognizer.py": { make: esNieRecognizer },
  "test_es_nif_recognizer.py": { make: esNifRecognizer },
  "test_fi_personal_identity_code_recognizer.py": { make: fiPersonalIdentityCodeRecognizer },
  "test_iban_recognizer.py": { make: ibanRecognizer },
  "test_in_aadhaar_recognizer.py": { make: inAadhaarRecognizer },
  "test_in_pan_recognizer.py": { make: inPanRecognizer },
  "test_in_passport_recognizer.py": { make: inPassportRecognizer },
  "test_in_vehicle_registration_recognizer.py": { make: inVehicleRegistrationRecognizer },
  "test_in_voter_recognizer.py": { make: inVoterRecognizer },
  "test_ip_recognizer.py": { make: ipRecognizer },
  "test_it_driver_license_recognizer.py": { make: itDriverLicenseRecognizer },
  "test_it_fiscal_code_recognizer.py": { make: itFiscalCodeRecognizer },
  "test_it_identity_card_recognizer.py": { make: itIdentityCardRecognizer },
  "test_it_passport_recognizer.py": { make: itPassportRecognizer },
  "test_it_vat_code_recognizer.py": { make: itVatCodeRecognizer },
  "test_kr_rrn_recognizer.py": { make: krRrnRecognizer },
  "test_mac_recognizer.py": { make: macRecognizer },
  "test_phone_recognizer.py": {
    make: (args) => phoneRecognizer(typeof args.leniency === "number" ? { leniency: args.leniency === 0 ? 0 : 1 } : {}),
  },
  "test_pl_pesel_recognizer.py": { make: plPeselRecognizer, validators: { test_validate_result_checksum: validatePesel } },
  "test_sg_fin_recognizer.py": { make: sgFinRecognizer },
  "test_sg_uen_recognizer.py": { make: sgUenRecognizer },
  "test_th_tnin_recognizer.py": { make: thTninRecognizer },
  "test_uk_nhs_recognizer.py": { make: ukNhsRecognizer },
  "test_uk_nino_recognizer.py": { make: ukNinoRecognizer },
  "test_url_recognizer.py": { make: urlRecognizer },
  "test_us_bank_recognizer.py": { make: usBankRecognizer },
  "test_us_driver_license_recognizer.py": { make: usDriverLicenseRecognizer },
  "test_us_itin_recognizer.py": { make: usItinRecognizer },
  "test_us_passport_recognizer.py": { make: usPassportRecognizer },
  "test_us_ssn_recognizer.py": { make: usSsnRecognizer },
};

export interface VectorCase {
  file: string;
  test: string;
  index: number;
  args: Record<string, unknown>;
  /** Stable id for deviation lists: file::test::text. */
  id: string;
}

export interface VectorFile {
  recognizer_classes: string[];
  parametrized: { test: string; argnames?: string[]; cases?: unknown[][]; error?: string }[];
}

export function listCases(data: Record<string, VectorFile>): VectorCase[] {
  const out: VectorCase[] = [];
  for (const [file, spec] of Object.entries(data)) {
    for (const p of spec.parametrized) {
      if (!p.argnames || !p.cases) continue;
      p.cases.forEach((values, index) => {
        const args: Record<string, unknown> = {};
        p.argnames!.forEach((name, i) => (args[name] = values[i]));
        out.push({ file, test: p.test, index, args, id: `${file}::${p.test}::${JSON.stringify(values[0])}${p.argnames!.includes("leniency") ? `::${String(args.leniency)}` : ""}` });
      });
    }
  }
  return out;
}

export interface Outcome {
  ok: boolean;
  detail: string;
  /** What we found, for deviation records. */
  found: [number, number][];
}

function scoreOk(score: number, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    const lo = Number(expected[0]);
    const hi = expected[1] === "max" ? 1 : Number(expected[1]);
    return score >= lo - 1e-9 && score <= hi + 1e-9;
  }
  return Math.abs(score - Number(expected)) < 1e-9;
}

/** Runs one case as Presidio's test does: count, positions, scores where asserted. */
export function runCase(c: VectorCase, target: VectorTarget): Outcome | "unsupported" {
  const a = c.args;
  const validator = target.validators?.[c.test];
  if (validator) {
    const [value, expected] = Object.values(a) as [string, boolean];
    const got = validator(value) === true;
    return { ok: got === expected, detail: got === expected ? "" : `validator(${value}) = ${got}, expected ${expected}`, found: [] };
  }
  const text = (a.text ?? a.iban) as string | undefined;
  if (typeof text !== "string" || typeof a.expected_len !== "number") return "unsupported";
  if (typeof a.leniency === "number" && a.leniency > 1) return "unsupported";
  const results = target.make(a).analyzeText(text).sort((x, y) => x.start - y.start || x.end - y.end);
  const found = results.map((r) => [r.start, r.end] as [number, number]);
  const problems: string[] = [];
  if (results.length !== a.expected_len) problems.push(`expected ${a.expected_len} results, got ${results.length} ${JSON.stringify(found)}`);
  const positions = (a.expected_positions ?? a.expected_res) as [number, number][] | undefined;
  if (results.length === a.expected_len && a.expected_len > 0) {
    const expPos = positions ? [...positions].sort((x, y) => x[0] - y[0]) : Array.isArray(a.expected_position) ? [a.expected_position as [number, number]] : undefined;
    if (expPos && expPos.length === results.length) {
      expPos.forEach(([s, e], i) => {
        if (results[i].start !== s || results[i].end !== e) problems.push(`position ${i}: expected [${s},${e}], got [${results[i].start},${results[i].end}]`);
      });
    }
    const ranges = a.expected_score_ranges as unknown[] | undefined;
    const scores = a.expected_scores as number[] | undefined;
    const single = a.expected_score ?? a.score;
    results.forEach((r, i) => {
      let exp: unknown;
      if (ranges && ranges.length > i) exp = ranges[i];
      else if (scores && scores.length > i) exp = scores[i];
      else if (typeof single === "number" && single >= 0) exp = single;
      if (exp !== undefined && !scoreOk(r.score, exp)) problems.push(`score ${i}: expected ${JSON.stringify(exp)}, got ${r.score}`);
    });
  }
  return { ok: problems.length === 0, detail: problems.join("; "), found };
}
