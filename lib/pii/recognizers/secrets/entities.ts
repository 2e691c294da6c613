// The entity types the secrets recognizers report. Chosen so that each is one policy decision a
// policy author would make differently (see index.ts).

export { API_KEY } from "./vendor-keys";
export { PRIVATE_KEY } from "./private-key";
export { JWT } from "./jwt";

/** Passwords: in URLs with credentials, `password = "…"` assignments, JDBC/ODBC parameters. */
export const PASSWORD = "PASSWORD";

/**
 * Credentials without a vendor format, found by their context: `Authorization: Bearer …`,
 * `client_secret = "…"`, `X-Api-Key: …` with a high-entropy value.
 */
export const SECRET = "SECRET";
