import { describe, expect, it } from "vitest";
import { secretRecognizers } from "./index";
import { fake, rand, scan, ALNUM, HEX, BASE64 } from "./test-secrets";
import { base62, crc32, hasValidCrc32Suffix, shannonEntropy } from "./secret-utils";

/** Exactly one finding, of this type and value. */
function expectOnly(text: string, type: string, value: string) {
  const found = scan(text);
  expect(found.map((f) => [f.type, f.value])).toEqual([[type, value]]);
  return found[0];
}

describe("vendor API keys", () => {
  const cases: [string, () => string, number][] = [
    ["OpenAI project key", fake.openaiProject, 1],
    ["OpenAI service-account key", fake.openaiServiceAccount, 1],
    ["OpenAI legacy key", fake.openaiLegacy, 1],
    ["OpenAI-compatible sk- key", fake.openaiCompatible, 0.75],
    ["Anthropic key", fake.anthropic, 1],
    ["AWS access key id", fake.awsAccessKeyId, 0.9],
    ["AWS temporary key id", fake.awsTempKeyId, 0.9],
    ["GitHub classic PAT", () => fake.github("ghp"), 1],
    ["GitHub OAuth token", () => fake.github("gho"), 1],
    ["GitHub user-to-server", () => fake.github("ghu"), 1],
    ["GitHub server-to-server", () => fake.github("ghs"), 1],
    ["GitHub refresh", () => fake.github("ghr"), 1],
    ["GitHub fine-grained PAT", fake.githubFineGrained, 0.95],
    ["npm token", fake.npm, 1],
    ["Slack bot token", fake.slackBot, 0.95],
    ["Slack user token", fake.slackUser, 0.95],
    ["Slack app token", fake.slackApp, 0.95],
    ["Stripe live secret", fake.stripeLive, 1],
    ["Stripe test secret", fake.stripeTest, 0.85],
    ["Stripe restricted", fake.stripeRestricted, 1],
    ["Stripe publishable", fake.stripePublishable, 0.5],
    ["Stripe webhook secret", fake.stripeWebhook, 0.9],
    ["Google API key", fake.googleApiKey, 0.95],
    ["Google OAuth client secret", fake.googleClientSecret, 0.95],
    ["Groq key", fake.groq, 0.95],
    ["Hugging Face token", fake.huggingface, 0.85],
  ];
  for (const [label, make, score] of cases) {
    it(`${label}: found in prose, code and quotes, score ${score}`, () => {
      const key = make();
      for (const text of [
        `here is my key ${key} please debug`,
        `client = Client(api_key="${key}")`,
        `export SOME_VAR='${key}'\n`,
        `${key}`,
        `(${key}).`,
      ]) {
        const f = expectOnly(text, "API_KEY", key);
        expect(f.score).toBe(score);
      }
    });
  }

  it("GitHub checksum: valid tokens score 1, a broken checksum scores 0.5", () => {
    const good = fake.github();
    expect(hasValidCrc32Suffix(good.slice(4))).toBe(true);
    expect(scan(`token ${fake.githubBadChecksum()}`)[0].score).toBe(0.5);
  });

  it("CRC-32 and base62 agree with zlib's reference values", () => {
    // zlib.crc32(b"123456789") == 0xCBF43926, the standard check value.
    expect(crc32("123456789")).toBe(0xcbf43926);
    expect(base62(61, 2)).toBe("0z");
    expect(base62(62, 1)).toBe("10");
  });

  it("Slack webhook: only the path after /services/ is the secret", () => {
    const path = fake.slackWebhookPath();
    expectOnly(`curl -X POST https://hooks.slack.com/services/${path} -d '{}'`, "API_KEY", path);
  });

  it("AWS secret access key only with its name, as API_KEY", () => {
    const secret = fake.awsSecret();
    for (const text of [
      `aws_secret_access_key = ${secret}`,
      `AWS_SECRET_ACCESS_KEY="${secret}"`,
      `{"SecretAccessKey": "${secret}"}`,
      `const s3 = new S3({ secretAccessKey: '${secret}' })`,
    ]) {
      const f = expectOnly(text, "API_KEY", secret);
      expect(f.recognizer).toBe("AwsSecretKeyRecognizer");
    }
    expect(scan(`the value ${secret} appears here`)).toEqual([]);
  });

  it("a full ~/.aws/credentials file: id and secret, nothing else", () => {
    const id = fake.awsAccessKeyId();
    const secret = fake.awsSecret();
    const found = scan(`[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\nregion = us-east-1\n`);
    expect(found.map((f) => [f.type, f.value])).toEqual([
      ["API_KEY", id],
      ["API_KEY", secret],
    ]);
  });

  it("one key, one result: a vendor key in an assignment or header is not also SECRET/PASSWORD", () => {
    const key = fake.openaiProject();
    expectOnly(`OPENAI_API_KEY=${key}`, "API_KEY", key);
    expectOnly(`Authorization: Bearer ${key}`, "API_KEY", key);
    const gh = fake.github("ghs");
    expectOnly(`git clone https://x-access-token:${gh}@github.com/org/repo.git`, "API_KEY", gh);
  });
});

describe("private keys", () => {
  for (const label of ["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "DSA PRIVATE KEY", "PGP PRIVATE KEY BLOCK"]) {
    it(`${label}: the whole block, BEGIN to END`, () => {
      const pem = fake.pem(label);
      const f = expectOnly(`my key:\n${pem}\nwhy does ssh reject it?`, "PRIVATE_KEY", pem);
      expect(f.score).toBe(1);
    });
  }

  it("a JSON-escaped key (GCP service account file)", () => {
    const pem = fake.pem("PRIVATE KEY").replace(/\n/g, "\\n");
    const json = `{"type": "service_account", "private_key": "${pem}\\n", "client_email": "x@y.iam.gserviceaccount.com"}`;
    expect(scan(json).map((f) => [f.type, f.value])).toEqual([["PRIVATE_KEY", pem]]);
  });

  it("a truncated paste (no END line) up to the last base64 line", () => {
    const pem = fake.pem("OPENSSH PRIVATE KEY");
    const cut = pem.slice(0, pem.indexOf("-----END"));
    const f = expectOnly(`${cut}\nthat's all I have, what is wrong?`, "PRIVATE_KEY", cut.trimEnd());
    expect(f.score).toBe(0.9);
  });

  it("public keys and certificates are not private keys", () => {
    const pub = fake.pem("PUBLIC KEY").replace(/PRIVATE/g, "PUBLIC");
    const cert = fake.pem("CERTIFICATE");
    expect(scan(`${pub}\n${cert}`).filter((f) => f.type === "PRIVATE_KEY")).toEqual([]);
  });
});

describe("JWT", () => {
  it("three parts with a JOSE header: the whole token", () => {
    const jwt = fake.jwt();
    const f = expectOnly(`why is this token rejected? ${jwt}`, "JWT", jwt);
    expect(f.score).toBe(1);
  });

  it("in an Authorization header: JWT, not SECRET", () => {
    const jwt = fake.jwt({ alg: "RS256", kid: "abc" });
    expectOnly(`Authorization: Bearer ${jwt}`, "JWT", jwt);
    expectOnly(`id_token = "${jwt}"`, "JWT", jwt);
  });

  it("an unsigned token (alg none) still counts, lower", () => {
    const jwt = fake.jwt({ alg: "none" }).replace(/\.[^.]*$/, ".");
    expect(expectOnly(`t=${jwt} `, "JWT", jwt).score).toBe(0.9);
  });

  it("dotted base64 whose header has no alg is not a JWT", () => {
    const notJwt = fake.jwt({ typ: "JWT" });
    expect(scan(notJwt)).toEqual([]);
  });
});

describe("passwords in connection strings: only the password", () => {
  const pw = () => fake.password();
  const cases: [string, (p: string) => string][] = [
    ["postgres", (p) => `DATABASE_URL=postgres://app:${p}@db.internal:5432/prod`],
    ["postgresql", (p) => `postgresql://app_user:${p}@10.0.0.5/db?sslmode=require`],
    ["mongodb+srv", (p) => `mongodb+srv://admin:${p}@cluster0.abcd.mongodb.net/?retryWrites=true`],
    ["redis without user", (p) => `REDIS_URL=redis://:${p}@cache:6379/0`],
    ["rediss", (p) => `rediss://default:${p}@eu1.upstash.io:6379`],
    ["mysql", (p) => `"mysql://root:${p}@localhost/app"`],
    ["amqp", (p) => `amqp://guest:${p}@rabbit:5672/vhost`],
    ["https basic auth", (p) => `git remote add origin https://me:${p}@git.example.org/repo.git`],
  ];
  for (const [label, make] of cases) {
    it(label, () => {
      const p = pw();
      const f = expectOnly(make(p), "PASSWORD", p);
      expect(f.recognizer).toBe("ConnectionStringPasswordRecognizer");
    });
  }

  it("an @ inside the password: up to the last @ of the authority", () => {
    const p = rand(ALNUM, 6) + "@" + rand(ALNUM, 6);
    expectOnly(`postgres://u:${p}@host/db`, "PASSWORD", p);
  });

  it("JDBC and ODBC parameters", () => {
    const p1 = pw();
    expectOnly(`jdbc:mysql://db:3306/app?user=app&password=${p1}&useSSL=true`, "PASSWORD", p1);
    const p2 = pw();
    expectOnly(`Server=tcp:sql.example.net,1433;User ID=sa;Password=${p2};Encrypt=True;`, "PASSWORD", p2);
    const p3 = pw();
    expectOnly(`Driver={ODBC Driver 18};Uid=app;Pwd=${p3};`, "PASSWORD", p3);
  });
});

describe("password assignments", () => {
  const cases: [string, (p: string) => string, number][] = [
    ["python kwarg", (p) => `conn = psycopg2.connect(host="db", password="${p}")`, 0.85],
    ["JSON", (p) => `{"username": "admin", "password": "${p}"}`, 0.85],
    ["YAML", (p) => `database:\n  user: app\n  password: ${p}\n`, 0.8],
    [".env", (p) => `DB_PASSWORD=${p}\nDB_HOST=localhost`, 0.8],
    ["PGPASSWORD", (p) => `PGPASSWORD=${p} psql -h db -U app`, 0.8],
    ["camelCase", (p) => `const dbPassword = '${p}';`, 0.85],
    ["Java properties", (p) => `spring.datasource.password=${p}`, 0.8],
    ["passwd colon", (p) => `passwd: "${p}"`, 0.85],
    ["XML", (p) => `<user>admin</user><password>${p}</password>`, 0.8],
    ["CLI flag", (p) => `mysql --user=root --password ${p} app`, 0.8],
    ["CLI flag with =", (p) => `mysqldump --password=${p} app`, 0.8],
    ["prose", (p) => `my password is ${p}. Can you help?`, 0.7],
    ["comparison", (p) => `if (password === "${p}") login();`, 0.85],
    ["PHP array", (p) => `'password' => '${p}',`, 0.85],
  ];
  for (const [label, make, score] of cases) {
    it(label, () => {
      const p = fake.password();
      const f = expectOnly(make(p), "PASSWORD", p);
      expect(f.score).toBe(score);
    });
  }

  it("a bare word ending a config line is reported, low", () => {
    const f = expectOnly("DB_PASSWORD=letmein\n", "PASSWORD", "letmein");
    expect(f.score).toBe(0.5);
  });
});

describe("SECRET: opaque credentials by context", () => {
  it("Authorization: Bearer with an opaque token", () => {
    const tok = fake.opaque(40);
    expect(expectOnly(`curl -H "Authorization: Bearer ${tok}" https://api.example.com`, "SECRET", tok).score).toBe(0.9);
    expect(expectOnly(`use the header Bearer ${tok} for calls`, "SECRET", tok).score).toBe(0.75);
  });

  it("Authorization: Basic only when it decodes to user:password", () => {
    const creds = btoa(`admin:${fake.password()}`);
    expectOnly(`Authorization: Basic ${creds}`, "SECRET", creds);
    expect(scan("Basic SGVsbG8gV29ybGQh is a greeting")).toEqual([]);
  });

  it("Authorization: Token and raw header values", () => {
    const tok = rand(HEX, 40);
    expectOnly(`Authorization: Token ${tok}`, "SECRET", tok);
  });

  it("key/secret/token assignments with high-entropy values", () => {
    const cases = [
      (v: string) => `client_secret = "${v}"`,
      (v: string) => `X-Api-Key: ${v}`,
      (v: string) => `"auth_token": "${v}"`,
      (v: string) => `MISTRAL_API_KEY=${v}`,
      (v: string) => `signingKey: '${v}'`,
      (v: string) => `my api key is ${v}`,
    ];
    for (const make of cases) {
      const v = fake.opaque(32);
      expectOnly(make(v), "SECRET", v);
    }
    const hex = rand(HEX, 32);
    expectOnly(`AZURE_OPENAI_API_KEY=${hex}`, "SECRET", hex);
    const b64 = rand(BASE64, 43) + "=";
    expectOnly(`encryption_key: ${b64}`, "SECRET", b64);
  });

  it("a UUID does fire next to a secret name (Heroku-style keys are UUIDs)", () => {
    const uuid = "3f2a9c1e-7b4d-4e8a-9c0f-1d2e3f4a5b6c";
    expectOnly(`HEROKU_API_KEY=${uuid}`, "SECRET", uuid);
  });
});

describe("entities filter and shape", () => {
  it("each recognizer skips entity types not asked for", () => {
    const text = `${fake.openaiProject()} ${fake.pem()} ${fake.jwt()} postgres://u:${fake.password()}@h/db`;
    expect(scan(text, ["JWT"]).map((f) => f.type)).toEqual(["JWT"]);
    expect(scan(text, []).length).toBe(0);
    expect(new Set(scan(text).map((f) => f.type))).toEqual(new Set(["API_KEY", "PRIVATE_KEY", "JWT", "PASSWORD"]));
  });

  it("offsets are UTF-16 after emoji and accents", () => {
    const key = fake.anthropic();
    const text = `Olá 👋🏽 café — ${key} ✨`;
    const [r] = secretRecognizers.flatMap((rec) => rec.analyze({ text, entities: new Set(["API_KEY"]) }));
    expect(text.slice(r.start, r.end)).toBe(key);
  });

  it("generated keys have the entropy of random strings (test data sanity)", () => {
    expect(shannonEntropy(rand(ALNUM, 64))).toBeGreaterThan(5);
  });
});
