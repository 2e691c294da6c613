// The admin API as tests call it: a JSON request with a bearer key, answering status and body.
export interface AdminResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- admin responses are checked field by field by each test
  json: Record<string, any>;
}

export async function adminRequest(baseUrl: string, key: string, method: string, path: string, body?: unknown): Promise<AdminResponse> {
  const r = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as AdminResponse["json"] };
}
