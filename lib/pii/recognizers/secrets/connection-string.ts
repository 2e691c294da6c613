// PASSWORD inside URLs with credentials: postgres://user:PASSWORD@host, mongodb+srv://,
// mysql://, redis://:PASSWORD@host, amqp://, https://user:PASSWORD@host (basic auth), … Only
// the password is reported, so the redacted URL still tells the model which database, host and
// user are meant. (JDBC/ODBC "password=…;" parameters are key=value pairs: assignments.ts.)

import type { Recognizer, RecognizerResult } from "../../types";
import { PASSWORD } from "./entities";
import { isJwt } from "./jwt";
import { EXAMPLE_PASSWORD, isPlaceholder, result, wants } from "./secret-utils";
import { isVendorKey } from "./vendor-keys";

const NAME = "ConnectionStringPasswordRecognizer";

// scheme://user:password@host. The scheme must start a token (look-behind), so a match can
// only begin at a scheme's first letter; user and password are bounded and stop at "/", "?",
// "#", quotes and whitespace, so each attempt is confined to one URL authority. The password
// is greedy and backtracks to the last "@" (a raw "@" inside a password is common).
const URL_CREDENTIALS =
  /(?<![A-Za-z0-9+.-])(?<scheme>[A-Za-z][A-Za-z0-9+.-]{1,30}):\/\/(?<user>[^\s:/?#@"'<>`]{0,256}):(?<password>[^\s/?#"'<>`]{1,512})@(?=[A-Za-z0-9[_-])/dg;

function scan(text: string): RecognizerResult[] {
  const out: RecognizerResult[] = [];
  URL_CREDENTIALS.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = URL_CREDENTIALS.exec(text)) !== null) {
    const password = m.groups!.password;
    const span = m.indices!.groups!.password;
    // A port after a bare host ("http://localhost:8080@…") is not a password.
    if (/^[0-9]{1,5}$/.test(password) && m.groups!.user.length === 0) continue;
    if (isPlaceholder(password) || EXAMPLE_PASSWORD.test(password)) continue;
    // A vendor token used as a password (https://x-access-token:ghs_…@github.com) is left to the
    // vendor recognizer, which names it more precisely.
    if (isVendorKey(password) || isJwt(password)) continue;
    const score = password === m.groups!.user ? 0.7 : 0.9;
    out.push(result(PASSWORD, span[0], span[1], score, NAME));
  }
  return out;
}

export const connectionStringRecognizer: Recognizer = {
  name: NAME,
  supportedEntities: [PASSWORD],
  analyze({ text, entities }) {
    return wants(entities, [PASSWORD]) ? scan(text) : [];
  },
};
