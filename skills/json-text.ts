// skill.json parsing. JSON.parse keeps the last of duplicate keys silently; a second
// "permissions" key could then widen a grant unseen, so duplicates are an error (fail closed).
import { invalidManifest } from "./manifest-error.ts";

export function parseJsonManifest(text: string, file: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    const why = err instanceof Error ? err.message.replace(/^JSON Parse error: /, "") : "syntax error";
    invalidManifest(file, undefined, `not valid JSON (${why}); expected one JSON object`);
  }
  const dup = findDuplicateKey(text);
  if (dup) invalidManifest(file, dup.key, "duplicate key; each field may appear once", dup.line);
  return value;
}

interface Frame { keys: Set<string> | null; expectKey: boolean }

/** Scans text already known to be valid JSON for an object key that appears twice. */
export function findDuplicateKey(text: string): { key: string; line: number } | undefined {
  const stack: Frame[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    else if (c === "{") stack.push({ keys: new Set(), expectKey: true });
    else if (c === "[") stack.push({ keys: null, expectKey: false });
    else if (c === "}" || c === "]") stack.pop();
    else if (c === ",") {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return { key, line };
        top.keys.add(key);
        top.expectKey = false;
      }
      i = j;
    }
  }
  return undefined;
}
