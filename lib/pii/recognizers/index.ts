// The default registry: every pattern-based recognizer Helix ships, in the order the engine
// breaks score ties (earlier wins). Presidio enables the country-specific ones per language;
// prompts to an LLM mix languages, so all are listed and the policy's entity list selects
// which run (a recognizer whose entity is not requested costs nothing).
import type { Recognizer } from "../types";
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
import {
  itDriverLicenseRecognizer,
  itFiscalCodeRecognizer,
  itIdentityCardRecognizer,
  itPassportRecognizer,
  itVatCodeRecognizer,
} from "./it";
import { krRrnRecognizer } from "./kr";
import { macRecognizer } from "./mac";
import { phoneRecognizer } from "./phone";
import { plPeselRecognizer } from "./pl";
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

/** Factories by the entity each one reports. */
export const RECOGNIZER_FACTORIES: Readonly<Record<string, () => Recognizer>> = {
  // Generic (Presidio's "global" recognizers).
  CREDIT_CARD: creditCardRecognizer,
  CRYPTO: cryptoRecognizer,
  EMAIL_ADDRESS: emailRecognizer,
  IBAN_CODE: ibanRecognizer,
  IP_ADDRESS: ipRecognizer,
  MAC_ADDRESS: macRecognizer,
  URL: urlRecognizer,
  PHONE_NUMBER: () => phoneRecognizer(),
  DATE_TIME: dateRecognizer,
  MEDICAL_LICENSE: medicalLicenseRecognizer,
  // United States.
  US_SSN: usSsnRecognizer,
  US_ITIN: usItinRecognizer,
  US_PASSPORT: usPassportRecognizer,
  US_DRIVER_LICENSE: usDriverLicenseRecognizer,
  US_BANK_NUMBER: usBankRecognizer,
  ABA_ROUTING_NUMBER: abaRoutingRecognizer,
  // United Kingdom.
  UK_NHS: ukNhsRecognizer,
  UK_NINO: ukNinoRecognizer,
  // Spain.
  ES_NIF: esNifRecognizer,
  ES_NIE: esNieRecognizer,
  // Italy.
  IT_FISCAL_CODE: itFiscalCodeRecognizer,
  IT_DRIVER_LICENSE: itDriverLicenseRecognizer,
  IT_VAT_CODE: itVatCodeRecognizer,
  IT_IDENTITY_CARD: itIdentityCardRecognizer,
  IT_PASSPORT: itPassportRecognizer,
  // Poland.
  PL_PESEL: plPeselRecognizer,
  // Singapore.
  SG_NRIC_FIN: sgFinRecognizer,
  SG_UEN: sgUenRecognizer,
  // Australia.
  AU_ABN: auAbnRecognizer,
  AU_ACN: auAcnRecognizer,
  AU_TFN: auTfnRecognizer,
  AU_MEDICARE: auMedicareRecognizer,
  // India.
  IN_PAN: inPanRecognizer,
  IN_AADHAAR: inAadhaarRecognizer,
  IN_VEHICLE_REGISTRATION: inVehicleRegistrationRecognizer,
  IN_VOTER: inVoterRecognizer,
  IN_PASSPORT: inPassportRecognizer,
  // Finland, Korea, Thailand, Canada.
  FI_PERSONAL_IDENTITY_CODE: fiPersonalIdentityCodeRecognizer,
  KR_RRN: krRrnRecognizer,
  TH_TNIN: thTninRecognizer,
  CA_SIN: caSinRecognizer,
};

/** Entity types the default pattern recognizers can report. */
export const PATTERN_ENTITIES: readonly string[] = Object.keys(RECOGNIZER_FACTORIES);

/** A fresh instance of every default pattern recognizer (each compiles its regexes once). */
export function defaultRecognizers(): Recognizer[] {
  return Object.values(RECOGNIZER_FACTORIES).map((make) => make());
}
