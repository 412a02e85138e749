// What `moltbot chat` checks before it connects, with the gateway's own rules (its connect and
// chat.send schemas), so a mistake is a usage error (exit 2) in plain words, not a frame error.
import { fail } from "../contracts/errors.ts";
import { METHOD_PARAMS } from "../gateway/frames.ts";

const nameRule = METHOD_PARAMS.connect.shape.name.unwrap();
export const MAX_MESSAGE_CHARS = METHOD_PARAMS["chat.send"].shape.text.maxLength ?? 100_000;

export function checkName(name: string): string {
  const r = nameRule.safeParse(name);
  if (!r.success) fail("invalid_input", `chat: --name must be ${r.error.issues[0]?.message ?? "a valid name"}`, "e.g. --name alice");
  return name;
}

/** Why a message cannot be sent, or null when it can. */
export function messageProblem(text: string): string | null {
  if (text.trim() === "") return "the message is empty";
  if (text.length > MAX_MESSAGE_CHARS) return `the message is ${text.length} characters; the gateway takes at most ${MAX_MESSAGE_CHARS}`;
  return null;
}

export function checkMessage(text: string): string {
  const problem = messageProblem(text);
  if (problem) fail("invalid_input", `chat: ${problem}`, "e.g. moltbot chat -m 'what is on my calendar today?'");
  return text;
}
