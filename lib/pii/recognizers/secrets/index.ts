// Secrets recognizers: credentials people paste into prompts (keys in code, .env files, curl
// lines, stack traces, connection strings).
//
// Five entity types, one per decision a policy author makes differently:
//
//   API_KEY      A credential whose format names its vendor; found without context, highest
//                precision. Typical policy: redact (or block for production keys).
//                OpenAI sk-/sk-proj-/sk-svcacct-/sk-admin- (T3BlbkFJ marker → 1.0), other
//                OpenAI-compatible sk- keys, OpenRouter sk-or-v1-, Anthropic sk-ant-api03-…AA,
//                AWS access key ids (AKIA/ASIA/ABIA/ACCA/A3T…) and secret access keys (40
//                chars, only after an aws_secret_access_key-style key), GitHub ghp_/gho_/ghu_/
//                ghs_/ghr_ (CRC-32 checked) and github_pat_, GitLab glpat-, npm npm_ (CRC-32
//                checked), Slack xoxb-/xoxp-/xoxa-/xoxe-/xapp- and webhook URL paths, Stripe
//                sk_/rk_/pk_ live and test keys and whsec_, Google AIza… and GOCSPX- and ya29.,
//                Groq gsk_, xAI xai-, Hugging Face hf_, Perplexity pplx-, Replicate r8_.
//   PRIVATE_KEY  PEM/OpenSSH/PGP private key blocks, BEGIN to END. Typical policy: block (a
//                private key in a prompt is almost always an accident).
//   JWT          Compact JWS tokens with a decodable JOSE header ("alg"). Separate because
//                "decode this JWT" is a legitimate prompt some teams allow, and its payload
//                often holds personal data.
//   PASSWORD     The password part only: in URLs with credentials (postgres://u:PW@h,
//                mongodb+srv://, redis://:PW@h, mysql://, amqp://, https://u:PW@h), in
//                `password = "…"`, `DB_PASSWORD=…`, `"password": "…"`, JDBC/ODBC `password=…;`,
//                `<password>…</password>`, `--password …`, "my password is …".
//   SECRET       Opaque credentials known only from their context: `Authorization: Bearer|Basic|
//                Token …`, `client_secret = "…"`, `X-Api-Key: …`, `auth_token: …` with a
//                high-entropy value. Lowest precision of the five; a policy may prefer to
//                redact it with a higher score threshold.
//
// Provenance: the vendor formats are the public ones used by gitleaks' default rules,
// Yelp's detect-secrets plugins and GitHub secret scanning's partner patterns, written from
// their documented shapes (no rule files copied); GitHub/npm checksums per github.blog
// "Behind GitHub's new authentication token formats" (2021). The entropy rule follows
// detect-secrets' idea (Shannon entropy, hex and base64 alphabets) with a length-aware
// threshold, and it only ever applies next to a key/secret/token name: UUIDs, commit hashes and
// base64 images on their own never fire.
//
// Which recognizer found a span is in RecognizerResult.recognizer (OpenAiKeyRecognizer,
// GitHubTokenRecognizer, ConnectionStringPasswordRecognizer, …) for the audit trail.

import type { Recognizer } from "../../types";
import { authorizationHeaderRecognizer } from "./authorization-header";
import { awsSecretKeyRecognizer, contextSecretRecognizer, passwordAssignmentRecognizer } from "./assignments";
import { connectionStringRecognizer } from "./connection-string";
import { API_KEY, JWT, PASSWORD, PRIVATE_KEY, SECRET } from "./entities";
import { jwtRecognizer } from "./jwt";
import { privateKeyRecognizer } from "./private-key";
import { vendorKeyRecognizers } from "./vendor-keys";

export { API_KEY, JWT, PASSWORD, PRIVATE_KEY, SECRET } from "./entities";
export { VENDOR_KEY_FORMATS } from "./vendor-keys";

/** Every entity type the secrets recognizers report. */
export const SECRET_ENTITY_TYPES: readonly string[] = [API_KEY, PRIVATE_KEY, JWT, PASSWORD, SECRET];

/** All secrets recognizers, most specific first. */
export const secretRecognizers: readonly Recognizer[] = [
  ...vendorKeyRecognizers,
  awsSecretKeyRecognizer,
  privateKeyRecognizer,
  jwtRecognizer,
  connectionStringRecognizer,
  passwordAssignmentRecognizer,
  authorizationHeaderRecognizer,
  contextSecretRecognizer,
];
