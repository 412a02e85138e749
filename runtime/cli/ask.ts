// Yes/no questions on the terminal. With no terminal there is nobody to ask, and the caller
// turns that into exit 4 rather than guessing.
import { createInterface } from "node:readline";
import type { Answer } from "../runner/run-skill.ts";

export function canAsk(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

export async function askYesNo(question: string): Promise<Answer> {
  if (!canAsk()) return "unavailable";
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const reply = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
    return /^y(es)?$/i.test(reply.trim());
  } finally {
    rl.close();
  }
}

/** Shows parameters in full, folding long values rather than hiding them. */
export function describeParams(params: unknown, width = 200): string {
  const text = JSON.stringify(params, (_k, v) => (typeof v === "string" && v.length > width ? `${v.slice(0, width)}… (${v.length} chars)` : v));
  return text ?? "null";
}
