// Serves the WebChat page (one static file with inline script and style). Its Content Security
// Policy admits exactly that script and style by hash, so even a rendering bug cannot run
// injected markup as code.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface WebChatPage {
  html: string;
  headers: Record<string, string>;
}

const hashes = (html: string, tag: string) =>
  [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => `'sha256-${createHash("sha256").update(m[1]!).digest("base64")}'`).join(" ");

let cached: WebChatPage | null = null;

export function webChatPage(): WebChatPage {
  if (cached) return cached;
  const html = readFileSync(join(import.meta.dir, "webchat", "index.html"), "utf8");
  const csp = [
    "default-src 'none'",
    `script-src ${hashes(html, "script")}`,
    `style-src ${hashes(html, "style")}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  cached = {
    html,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": csp,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "no-cache",
    },
  };
  return cached;
}
