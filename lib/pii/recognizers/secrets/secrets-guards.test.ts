// False-positive guards, adversarial inputs and speed for the secrets recognizers.

import { describe, expect, it } from "vitest";
import { secretRecognizers, SECRET_ENTITY_TYPES } from "./index";
import { fake, rand, scan, ALNUM, BASE64, HEX } from "./test-secrets";

const none = (text: string) => expect(scan(text).map((f) => `${f.type} ${f.recognizer}: ${f.value}`)).toEqual([]);

describe("no findings without a secret", () => {
  it("UUIDs, commit SHAs, digests and hashes on their own", () => {
    none("request 3f2a9c1e-7b4d-4e8a-9c0f-1d2e3f4a5b6c failed; trace id 550e8400-e29b-41d4-a716-446655440000");
    none(`commit ${rand(HEX, 40)}\nMerge: ${rand(HEX, 7)} ${rand(HEX, 7)}\n    fix the build`);
    none(`git checkout ${rand(HEX, 40)} && git cherry-pick ${rand(HEX, 12)}`);
    none(`image: ghcr.io/org/app@sha256:${rand(HEX, 64)}`);
    none(`md5 ${rand(HEX, 32)}  file.tar.gz\nsha1sum: ${rand(HEX, 40)}`);
    none(`"id": "${rand(HEX, 24)}", "request_id": "req_${rand(ALNUM, 24)}", "etag": "W/\\"${rand(HEX, 32)}\\""`);
  });

  it("a base64 image and other long base64 without a secret name", () => {
    const png = "iVBORw0KGgo" + rand(BASE64, 4000) + "==";
    none(`<img src="data:image/png;base64,${png}" alt="chart">`);
    none(`{"image": "data:image/jpeg;base64,${rand(BASE64, 2000)}", "detail": "high"}`);
  });

  it("English prose that talks about secrets", () => {
    none("The password is incorrect. Please reset your password and try again.");
    none("Your API key is stored in the dashboard; never share your secret key or token with anyone.");
    none("Tokens: 1500 used, max_tokens: 4096, token_type: bearer, expires_in: 3600");
    none("Bearer authentication (also called token authentication) is an HTTP authentication scheme.");
    none("Basic authentication sends credentials with every request. The private key never leaves the HSM.");
    none("She passed the test, the bypass road was closed, and the compass pointed north.");
    none("Use a secret manager. Keys rotate every 90 days. The key: rotate them.");
  });

  it("placeholders in docs and code samples", () => {
    none("export OPENAI_API_KEY=sk-...\nexport ANTHROPIC_API_KEY=<YOUR_API_KEY>");
    none('client = OpenAI(api_key="YOUR_API_KEY")\nclient = OpenAI(api_key="sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")');
    none('api_key = "<your-api-key-here>"\nsecret: "{{ .Values.secret }}"\ntoken: ${GITHUB_TOKEN}');
    none('curl -H "Authorization: Bearer $OPENAI_API_KEY" -H "Authorization: Bearer <token>"');
    none("Authorization: Bearer ${process.env.API_TOKEN}\nAuthorization: Bearer {{token}}");
    none("aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    none("-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----");
    none("-----BEGIN OPENSSH PRIVATE KEY-----\n<your key here>\n-----END OPENSSH PRIVATE KEY-----");
    none("STRIPE_SECRET_KEY=sk_live_****************************");
    none("ghp_************************************ and github_pat_...");
  });

  it("connection strings without a real password", () => {
    none("postgres://user:password@localhost:5432/db");
    none("postgres://postgres@localhost/postgres and mysql://root@127.0.0.1/app");
    none("mongodb+srv://<username>:<password>@cluster0.example.mongodb.net/test");
    none("redis://:${REDIS_PASSWORD}@redis:6379 and amqp://guest:****@rabbit");
    none("postgresql://someuser:somepassword@somehost:3211/somedatabase");
    none("http://localhost:8080/path?x=1 https://example.com:443/a@b");
  });

  it("password and secret names followed by code, types and lookups", () => {
    none("interface User { password: string; passwordHash: string; apiKey?: string | null }");
    none("def login(username: str, password: str) -> bool:\n    password = getpass.getpass()\n    return check(password)");
    none('password = os.environ["DB_PASSWORD"]\nsecret_key = os.getenv("SECRET_KEY")\ntoken = request.headers.get("x-token")');
    none("const apiKey = process.env.OPENAI_API_KEY;\nconst token = req.headers.authorization;\nuser.password = hash(password);");
    none('<input type="password" name="password" placeholder="Password">');
    none("password_length = 12\npassword_min_length: 8\ntoken_url: https://oauth2.googleapis.com/token\nsecret_name: prod/db");
    none("self.secret_key = secret_key\nif not password:\n    raise ValueError('password required')");
    none("exports.ER_PASSWORD_NO_MATCH = 1133;\nexports.isIfToken = isIfToken;\npass: pluginDescriptorsPass,");
    none('const StatusMap = { fail: "failed", pass: "passed" };\npasswd: None\npassword: null');
    none("PWD=/home/user/project\nOLDPWD=/tmp\ncredentials: include");
  });

  it("sk- and other prefixes inside ordinary words", () => {
    none("task-force disk-space risk-assessment ask-me-anything sk-learn");
    none("xoxb- is the prefix of Slack bot tokens; AIza prefixes Google keys; ghp_ prefixes GitHub PATs.");
    none("eyJhbGciOiJIUzI1NiJ9 alone is only a header");
  });
});

describe("adversarial input (ReDoS)", () => {
  const set = new Set(SECRET_ENTITY_TYPES);
  const attacks: [string, string][] = [
    ["sk- repeated", "sk-".repeat(40_000)],
    ["sk-proj- with an endless body", "sk-" + "proj-" + "a".repeat(120_000)],
    ["long token-character run", "A".repeat(120_000)],
    ["eyJ. repeated", "eyJ.".repeat(30_000)],
    ["eyJ with dots", "eyJaaaaaaa." + "a.".repeat(60_000)],
    ["scheme:// repeated", "postgres://u:".repeat(10_000)],
    ["userinfo without @", "postgres://u:" + "p".repeat(120_000)],
    ["@ storm", "postgres://u:" + "@".repeat(120_000)],
    ["BEGIN without END", "-----BEGIN RSA PRIVATE KEY-----\n" + (rand(BASE64, 64) + "\n").repeat(1500)],
    ["BEGIN repeated", "-----BEGIN PRIVATE KEY-----".repeat(5_000)],
    ["password= repeated", "password=".repeat(15_000)],
    ["password keys without values", "password_password_password ".repeat(5_000)],
    ["key words", "api key token secret pass ".repeat(5_000)],
    ["Bearer repeated", "Bearer ".repeat(20_000)],
    ["Bearer with endless token", "Authorization: Bearer " + "x".repeat(120_000)],
    ["quotes without close", 'password = "' + "a".repeat(120_000)],
    ["hooks.slack.com", "hooks.slack.com/services/".repeat(5_000)],
    ["dashes", "-".repeat(120_000)],
  ];
  for (const [label, text] of attacks) {
    it(`${label} (${Math.round(text.length / 1000)} KB) in well under a second`, () => {
      const t0 = performance.now();
      for (const r of secretRecognizers) r.analyze({ text, entities: set });
      // A backtracking blow-up on 100 KB takes minutes; the bound only has to tell the two apart.
      expect(performance.now() - t0).toBeLessThan(5000);
    });
  }
});

describe("speed", () => {
  it("10 KB of mixed prose, code and secrets: under 5 ms per scan (median of 20)", () => {
    const parts = [
      "Here is my config, can you tell me why the connection fails?\n",
      `DATABASE_URL=postgres://app:${fake.password()}@db:5432/app\n`,
      `OPENAI_API_KEY=${fake.openaiProject()}\n`,
      "def handler(event, context):\n    token = event['headers'].get('authorization')\n    return {'statusCode': 200}\n",
      `commit ${rand(HEX, 40)} broke the build on main; see request 3f2a9c1e-7b4d-4e8a-9c0f-1d2e3f4a5b6c.\n`,
      `Authorization: Bearer ${fake.jwt()}\n`,
      "The quick brown fox jumps over the lazy dog. Passwords should be rotated; keys expire.\n",
    ];
    let text = "";
    while (text.length < 10_000) text += parts.join("");
    const set = new Set(SECRET_ENTITY_TYPES);
    const times: number[] = [];
    let found = 0;
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      found = secretRecognizers.reduce((n, r) => n + r.analyze({ text, entities: set }).length, 0);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    expect(found).toBeGreaterThan(0);
  });
});
