// API_KEY: credentials whose format names their vendor (a fixed prefix, a fixed alphabet and
// length, sometimes a checksum), so they are found without any context. Patterns follow the
// public formats as gitleaks, detect-secrets and GitHub secret scanning describe them; see
// docs in ./index.ts for the list and provenance.
//
// Every pattern is bounded on both sides by a look-around over its own alphabet: a match can
// only start at the beginning of a token, which keeps scans linear even on adversarial input
// (e.g. "sk-sk-sk-…" repeated for 100 KB), and stops a key from matching inside a longer one.

import type { Recognizer, RecognizerResult } from "../../types";
import { charClassCount, hasValidCrc32Suffix, isPlaceholder, result, shannonEntropy, wants } from "./secret-utils";

export const API_KEY = "API_KEY";

/** One vendor format. `secret` (named group) is the reported span; `body` the random part. */
interface VendorPattern {
  /** Stable subtype id, used in docs and tests (never in results: the recognizer name is). */
  readonly id: string;
  readonly regex: RegExp;
  /** Score for a match, or undefined to drop it (checksum failed, placeholder, …). */
  readonly score: (m: RegExpExecArray) => number | undefined;
}

const TOKEN = "A-Za-z0-9_-";
const before = `(?<![${TOKEN}])`;
const after = `(?![${TOKEN}])`;

function re(source: string, flags = ""): RegExp {
  return new RegExp(source, "gd" + flags);
}

/** The body is not a documentation stand-in. */
function real(m: RegExpExecArray): boolean {
  return !isPlaceholder(m.groups?.body ?? m[0]);
}

function fixed(score: number) {
  return (m: RegExpExecArray) => (real(m) ? score : undefined);
}

interface VendorFamily {
  readonly name: string;
  readonly patterns: readonly VendorPattern[];
}

// OpenAI keys embed "T3BlbkFJ" (base64 of "OpenAI"); with it the match is certain. Keys of
// OpenAI-compatible vendors (DeepSeek, Moonshot, many proxies) share the bare "sk-" shape, so a
// long random "sk-" token is still an API key, with less certainty.
const OPENAI: VendorFamily = {
  name: "OpenAiKeyRecognizer",
  patterns: [
    {
      id: "openai-project-key",
      regex: re(`${before}(?<secret>sk-(?:proj|svcacct|admin|None)-(?<body>[${TOKEN}]{20,300}))${after}`),
      score: (m) => (!real(m) ? undefined : m.groups!.body.includes("T3BlbkFJ") ? 1 : 0.85),
    },
    {
      id: "openai-legacy-key",
      regex: re(`${before}(?<secret>sk-(?<body>[A-Za-z0-9]{32,128}))${after}`),
      score: (m) => {
        const body = m.groups!.body;
        if (/^[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}$/.test(body)) return 1;
        // Hex bodies (DeepSeek-style) top out at 4 bits per character, hence the lower bar.
        const floor = /^[0-9a-f]+$/.test(body) ? 3.2 : 3.5;
        if (!real(m) || charClassCount(body) < 2 || shannonEntropy(body) < floor) return undefined;
        return 0.75;
      },
    },
    {
      id: "openrouter-key",
      regex: re(`${before}(?<secret>sk-or-v1-(?<body>[0-9a-f]{64}))${after}`),
      score: fixed(0.95),
    },
  ],
};

// Anthropic: sk-ant-api03- + 93 characters + "AA" (gitleaks); admin, OAuth and session tokens
// share the scheme with other middle parts.
const ANTHROPIC: VendorFamily = {
  name: "AnthropicKeyRecognizer",
  patterns: [
    {
      id: "anthropic-key",
      regex: re(`${before}(?<secret>sk-ant-(?:api|admin|oat|ort|sid)[0-9]{2}-(?<body>[${TOKEN}]{20,200}))${after}`),
      score: (m) => (!real(m) ? undefined : /^[A-Za-z0-9_-]{93}AA$/.test(m.groups!.body) ? 1 : 0.9),
    },
  ],
};

// AWS access key ids: a 4-letter kind prefix + 16 base32 characters (gitleaks). The id alone is
// not the secret, but it names an account and is almost always pasted with its secret. The
// secret access key has no prefix and is found with context (assignments.ts).
const AWS: VendorFamily = {
  name: "AwsAccessKeyRecognizer",
  patterns: [
    {
      id: "aws-access-key-id",
      regex: re(`(?<![A-Za-z0-9])(?<secret>(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)(?<body>[A-Z2-7]{16}))(?![A-Za-z0-9])`),
      score: fixed(0.9),
    },
  ],
};

// GitHub's 2021 formats: ghp_/gho_/ghu_/ghs_/ghr_ + 30 random base62 + 6-character base62
// CRC-32 of the random part (github.blog, "Behind GitHub's new authentication token formats").
// A failed checksum means a typo or an invented value: still reported, but low.
const GITHUB: VendorFamily = {
  name: "GitHubTokenRecognizer",
  patterns: [
    {
      id: "github-token",
      regex: re(`${before}(?<secret>gh[pousr]_(?<body>[A-Za-z0-9]{36}))${after}`),
      score: (m) => (!real(m) ? undefined : hasValidCrc32Suffix(m.groups!.body) ? 1 : 0.5),
    },
    {
      id: "github-fine-grained-pat",
      regex: re(`${before}(?<secret>github_pat_(?<body>[A-Za-z0-9]{22}_[A-Za-z0-9]{59}))${after}`),
      score: fixed(0.95),
    },
    {
      id: "gitlab-pat",
      regex: re(`${before}(?<secret>glpat-(?<body>[${TOKEN}]{20,64}))${after}`),
      score: fixed(0.9),
    },
    {
      id: "npm-token",
      regex: re(`${before}(?<secret>npm_(?<body>[A-Za-z0-9]{36}))${after}`),
      score: (m) => (!real(m) ? undefined : hasValidCrc32Suffix(m.groups!.body) ? 1 : 0.5),
    },
  ],
};

// Slack (gitleaks): bot/user/workspace tokens xox?-<team>-<id>-…, app-level tokens xapp-,
// configuration (xoxe.xoxp-) and refresh (xoxe-) tokens, and incoming-webhook URLs, whose path
// is the credential (the host is kept so the text still reads as a Slack webhook).
const SLACK: VendorFamily = {
  name: "SlackTokenRecognizer",
  patterns: [
    {
      id: "slack-token",
      regex: re(`${before}(?<secret>xox[abposer]-(?<body>[0-9]{6,14}-[A-Za-z0-9-]{8,250}))${after}`),
      score: fixed(0.95),
    },
    {
      id: "slack-app-token",
      regex: re(`${before}(?<secret>xapp-(?<body>[0-9]-[A-Z0-9]{6,20}-[0-9]{6,20}-[A-Za-z0-9]{20,100}))${after}`, "i"),
      score: fixed(0.95),
    },
    {
      id: "slack-config-token",
      regex: re(`${before}(?<secret>xoxe(?:\\.xox[bp])?-(?<body>[0-9]-[A-Z0-9]{100,200}))${after}`, "i"),
      score: fixed(0.95),
    },
    {
      id: "slack-webhook",
      regex: re(
        `(?<![A-Za-z0-9.-])(?:https?://)?hooks\\.slack\\.com/(?:services|workflows|triggers)/(?<secret>(?<body>[A-Za-z0-9+_-]{8,64}(?:/[A-Za-z0-9+_-]{4,64}){1,3}))(?![A-Za-z0-9+/_-])`,
      ),
      score: fixed(0.95),
    },
  ],
};

// Stripe: secret (sk_) and restricted (rk_) keys are credentials; publishable keys (pk_) are
// public by design but identify the account, so they are reported with a low score and a
// policy can treat API_KEY with a threshold above it. Webhook signing secrets: whsec_.
const STRIPE: VendorFamily = {
  name: "StripeKeyRecognizer",
  patterns: [
    {
      id: "stripe-secret-key",
      regex: re(`${before}(?<secret>(?:sk|rk)_(?<mode>live|test)_(?<body>[A-Za-z0-9]{10,247}))${after}`),
      score: (m) => (!real(m) ? undefined : m.groups!.mode === "live" ? 1 : 0.85),
    },
    {
      id: "stripe-publishable-key",
      regex: re(`${before}(?<secret>pk_(?:live|test)_(?<body>[A-Za-z0-9]{10,247}))${after}`),
      score: fixed(0.5),
    },
    {
      id: "stripe-webhook-secret",
      regex: re(`${before}(?<secret>whsec_(?<body>[A-Za-z0-9+/]{24,80}={0,2}))(?![A-Za-z0-9+/=_-])`),
      score: fixed(0.9),
    },
  ],
};

// Google: API keys AIza + 35 (GitHub secret scanning, gitleaks), OAuth client secrets GOCSPX- +
// 28, OAuth access tokens ya29. (short-lived, still bearer credentials).
const GOOGLE: VendorFamily = {
  name: "GoogleKeyRecognizer",
  patterns: [
    {
      id: "google-api-key",
      regex: re(`${before}(?<secret>AIza(?<body>[${TOKEN}]{35}))${after}`),
      score: fixed(0.95),
    },
    {
      id: "google-oauth-client-secret",
      regex: re(`${before}(?<secret>GOCSPX-(?<body>[${TOKEN}]{28}))${after}`),
      score: fixed(0.95),
    },
    {
      id: "google-oauth-access-token",
      regex: re(`${before}(?<secret>ya29\\.(?<body>[${TOKEN}]{20,2048}))${after}`),
      score: fixed(0.85),
    },
  ],
};

// Other LLM and ML vendors a gateway's users paste most: Groq (gsk_ + 52), xAI (xai- + 80),
// Hugging Face (hf_ + 34 letters, gitleaks), Perplexity (pplx- + 48), Replicate (r8_ + 37).
const AI_VENDORS: VendorFamily = {
  name: "AiVendorKeyRecognizer",
  patterns: [
    { id: "groq-key", regex: re(`${before}(?<secret>gsk_(?<body>[A-Za-z0-9]{48,56}))${after}`), score: fixed(0.95) },
    { id: "xai-key", regex: re(`${before}(?<secret>xai-(?<body>[A-Za-z0-9]{70,90}))${after}`), score: fixed(0.9) },
    {
      id: "huggingface-token",
      regex: re(`${before}(?<secret>hf_(?<body>[A-Za-z]{34,40}))${after}`),
      // Letters only: demand both cases so a long identifier like hf_transformersmodelcache… is not one.
      score: (m) => (real(m) && charClassCount(m.groups!.body) >= 2 ? 0.85 : undefined),
    },
    { id: "perplexity-key", regex: re(`${before}(?<secret>pplx-(?<body>[A-Za-z0-9]{48}))${after}`), score: fixed(0.9) },
    { id: "replicate-token", regex: re(`${before}(?<secret>r8_(?<body>[A-Za-z0-9]{37}))${after}`), score: fixed(0.85) },
  ],
};

export const VENDOR_FAMILIES: readonly VendorFamily[] = [OPENAI, ANTHROPIC, AWS, GITHUB, SLACK, STRIPE, GOOGLE, AI_VENDORS];

/** Subtype ids of every vendor format (documentation and tests). */
export const VENDOR_KEY_FORMATS: readonly string[] = VENDOR_FAMILIES.flatMap((f) => f.patterns.map((p) => p.id));

function scan(text: string, family: VendorFamily): RecognizerResult[] {
  const out: RecognizerResult[] = [];
  for (const p of family.patterns) {
    p.regex.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = p.regex.exec(text)) !== null) {
      const score = p.score(m);
      const span = m.indices?.groups?.secret;
      if (score !== undefined && span) out.push(result(API_KEY, span[0], span[1], score, family.name));
    }
  }
  return out;
}

function familyRecognizer(family: VendorFamily): Recognizer {
  return {
    name: family.name,
    supportedEntities: [API_KEY],
    analyze({ text, entities }) {
      return wants(entities, [API_KEY]) ? scan(text, family) : [];
    },
  };
}

export const vendorKeyRecognizers: readonly Recognizer[] = VENDOR_FAMILIES.map(familyRecognizer);

/**
 * True when `value` as a whole is a vendor-format key. The contextual recognizers (passwords,
 * bearer tokens, `secret = …`) use it to leave such values to the vendor recognizer, so one
 * key yields one result with the most specific type.
 */
export function isVendorKey(value: string): boolean {
  if (value.length > 2100) return false;
  return WHOLE_VALUE.some((r) => r.test(value));
}

// Anchored, non-global copies: no shared lastIndex with a scan in progress.
const WHOLE_VALUE: readonly RegExp[] = VENDOR_FAMILIES.flatMap((f) =>
  f.patterns.map((p) => new RegExp(`^(?:${p.regex.source})$`, p.regex.flags.replace(/[gd]/g, ""))),
);
