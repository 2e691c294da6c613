/** `req_` + 32 hex chars; sent as x-helix-request-id and used as the request log's id. */
export function newRequestId(): string {
  return `req_${crypto.randomUUID().replace(/-/g, "")}`;
}
