import { expect, test } from "bun:test";
import type { ApprovalRequest } from "../contracts/agent.ts";
import { approvalMessages, errorLine, formatParams } from "./reply.ts";
import { plainText } from "./render.ts";

const req = (params: unknown): ApprovalRequest => ({ id: "a-42", turn: "t1", session: "s", user: "telegram:1", tool: "shell_execute", params, reason: "policy: shell_execute requires confirmation", expiresAt: new Date().toISOString() });

test("an approval prompt shows tool, parameters, reason, buttons and the /approve hint", () => {
  const [m, ...rest] = approvalMessages(req({ command: "ls -la", cwd: "~/x" }), 4096);
  expect(rest).toHaveLength(0);
  expect(m?.buttons).toEqual([{ id: "approve:a-42", label: "Approve" }, { id: "deny:a-42", label: "Deny" }]);
  const text = plainText(m?.blocks ?? []);
  for (const s of ["shell_execute", "command: ls -la", "cwd: ~/x", "requires confirmation", "/approve a-42", "/deny a-42"]) expect(text).toContain(s);
});

test("long parameter values are folded onto more lines, never cut", () => {
  const long = "x".repeat(500);
  const out = formatParams({ body: long, n: 3, nested: { a: [1, 2] } });
  expect(out.replace(/\n {2}↪ /g, "")).toContain(`body: ${long}`);
  expect(out.split("\n").every((l) => l.length <= 84)).toBe(true);
  expect(out).toContain('nested: {"a":[1,2]}');
});

test("parameters longer than a message go over several messages; the buttons ride on the last", () => {
  const msgs = approvalMessages(req({ text: "y".repeat(3000) }), 1000);
  expect(msgs.length).toBeGreaterThan(2);
  expect(msgs.slice(0, -1).every((m) => m.buttons === undefined)).toBe(true);
  expect(msgs.at(-1)?.buttons).toHaveLength(2);
  expect(msgs.map((m) => plainText(m.blocks ?? [])).join("").replace(/\n|↪| /g, "")).toContain("y".repeat(3000));
});

test("errors are one line", () => {
  expect(errorLine("model failed\nstack trace here", "is Ollama running?")).toBe("⚠️ model failed — is Ollama running?");
});

test("long parameters are folded between grapheme clusters, never inside an emoji or an accented letter", () => {
  const segmenter = new Intl.Segmenter("und", { granularity: "grapheme" });
  for (const cluster of ["😀", "👨‍👩‍👧‍👦", "🇫🇷", "👍🏽", "❤️", "e\u0301"]) {
    for (let k = 0; k < 12; k++) {
      const line = `v: ${"y".repeat(k)}${cluster.repeat(60)}`;
      const pieces = formatParams({ v: line.slice(3) }).split("\n").map((l, i) => (i ? l.replace(/^ {2}↪ /, "") : l));
      expect(pieces.join("")).toBe(line);
      expect(pieces.length).toBeGreaterThan(1);
      const starts = new Set([...segmenter.segment(line)].map((x) => x.index));
      let at = 0;
      for (const p of pieces) {
        expect(starts.has(at)).toBe(true);
        expect(p.length).toBeLessThanOrEqual(80);
        at += p.length;
      }
    }
  }
});

test("approval prompts respect a byte limit too", () => {
  const msgs = approvalMessages(req({ text: "参数".repeat(2000) }), { maxTextLength: 16_000, maxTextBytes: 4096 });
  expect(msgs.length).toBeGreaterThan(2);
  for (const m of msgs) expect(new TextEncoder().encode(plainText(m.blocks ?? [])).length).toBeLessThanOrEqual(3686);
  expect(msgs.at(-1)?.buttons).toHaveLength(2);
});
