// Turns what went wrong in one attempt into a MoltError a user can act on (names the provider,
// the URL and what to do) plus whether another attempt could help. Server messages are kept,
// short and one line, after removing the API key: OpenAI, for one, echoes a wrong key back.
import { moltError, type MoltError } from "../contracts/index.ts";
import type { Attempt } from "./attempt.ts";
import { CONFIG_FILE, type ProviderName } from "./config.ts";

export interface Endpoint {
  provider: ProviderName;
  /** "Anthropic", "OpenAI", "Ollama". */
  label: string;
  /** Base URL, shown in messages (credentials stripped). */
  url: string;
  secret?: string;
  /** Provider-specific wording for a server that cannot be reached (Ollama not running). */
  unreachable?(url: string): MoltError;
  /** Provider-specific wording for a status (Ollama's 404 for a model not pulled). */
  describeStatus?(status: number, serverMessage: string): MoltError | undefined;
}

export interface Failure {
  error: MoltError;
  retryable: boolean;
  /** Fewer retries than configured make sense for this failure. */
  retryLimit?: number;
  headers?: Headers;
}

export const RETRY_STATUSES = new Set([429, 500, 502, 503, 504, 529]);

export async function classify(ep: Endpoint, att: Attempt, err: unknown, timeoutMs: number): Promise<Failure> {
  const where = `${ep.label} at ${shownUrl(ep.url)}`;
  if (att.tooLarge) {
    return { retryable: false, error: moltError("output_limit", `${where} sent ${att.tooLarge}; the request was stopped`, `a model server does not answer like that; check ${ep.provider}.base_url in ${CONFIG_FILE}, or try again`, { provider: ep.provider }) };
  }
  if (att.timedOut) {
    return { retryable: false, error: moltError("timeout", `${where} sent nothing for ${timeoutMs / 1000} s`, `the model may be busy or the network down; try again, or raise timeout_ms in ${CONFIG_FILE}`, { provider: ep.provider }) };
  }
  const res = att.response;
  if (res && res.status >= 400) {
    const server = redact(serverMessage(res.errorBody ?? ""), ep.secret);
    const detail = server ? `${res.status}: ${server}` : `${res.status}`;
    const special = ep.describeStatus?.(res.status, server);
    const details = { provider: ep.provider, status: res.status };
    const error = special
      ?? (res.status === 401 || res.status === 403
        ? moltError("unauthorized", `${where} rejected the API key (${detail})`, `check ${ep.provider}.api_key in ${CONFIG_FILE} (or the environment variable it names)`, details)
        : res.status === 429
          ? moltError("rate_limited", `${where} is rate limiting requests (${detail})`, `wait a little and try again, or add a fallback provider (fallback: [ollama]) in ${CONFIG_FILE}`, details)
          : res.status >= 500
            ? moltError("provider_error", `${where} failed (${detail})`, `the service may be down; try again later, or add a fallback provider in ${CONFIG_FILE}`, details)
            : moltError("provider_error", `${where} rejected the request (${detail})`, `check ${ep.provider}.model and the other ${ep.provider} settings in ${CONFIG_FILE}`, details));
    return { error, retryable: RETRY_STATUSES.has(res.status), headers: res.headers };
  }
  if (att.connectError !== undefined || !res) {
    const error = ep.unreachable?.(shownUrl(ep.url))
      ?? moltError("provider_error", `cannot reach ${where} (${redact(messageOf(att.connectError ?? err), ep.secret)})`, `check the network, or ${ep.provider}.base_url in ${CONFIG_FILE}`, { provider: ep.provider });
    // A refused connection is not a flaky network: nothing listens (Ollama not started). One
    // quick second look covers a server restarting; more would only delay the user's answer.
    return { error, retryable: true, ...(isRefused(att.connectError ?? err) ? { retryLimit: 1 } : {}) };
  }
  // A stream that breaks (Anthropic sends overloaded_error mid-stream) is worth another attempt
  // as long as nothing was passed on; drive() checks that.
  return { retryable: true, error: moltError("provider_error", `${where}: the answer stream broke (${redact(serverMessage(messageOf(err)), ep.secret)})`, `try again; if it keeps happening, check the server or add a fallback provider in ${CONFIG_FILE}`, { provider: ep.provider }) };
}

/** The human part of an error body: {error:{message}}, {error:"..."}, {message} or raw text. */
function serverMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: string | { message?: string }; message?: string };
    if (typeof parsed.error === "string") return parsed.error;
    if (typeof parsed.error?.message === "string") return parsed.error.message;
    if (typeof parsed.message === "string") return parsed.message;
  } catch { /* not JSON: use the text */ }
  return body;
}

function isRefused(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } } | undefined;
  return [e?.code, e?.cause?.code].some((c) => c === "ECONNREFUSED" || c === "ConnectionRefused");
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return (err as Error & { code?: string }).code ?? err.message;
  return String(err);
}

/** One short line without the key, nor anything that looks like one. */
export function redact(text: string, secret?: string): string {
  let out = text;
  if (secret) out = out.split(secret).join("[redacted]");
  out = out.replace(/\b(sk|key|token)-[A-Za-z0-9_-]{6,}/gi, "[redacted]").replace(/Bearer\s+\S+/gi, "Bearer [redacted]");
  out = out.replace(/\s+/g, " ").trim();
  return out.length > 200 ? `${out.slice(0, 199)}…` : out;
}

/** The base URL without user:password@, which would otherwise end up in messages. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return url;
  }
}
