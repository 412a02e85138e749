// `moltbot … | head`: when the reader of the output goes away, the command stops at once and
// quietly (it used to print a raw EPIPE error and spin at full CPU until killed).
import { afterAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, Sandbox } from "../helpers/cli.ts";

const sb = new Sandbox();
afterAll(() => sb.cleanup());

test("a large result piped into head -c 10: exit 0, no error, well before any timeout", async () => {
  writeFileSync(join(sb.userHome, "big.txt"), "line of text\n".repeat(60_000));
  const cmd = `timeout 15 bun '${CLI}' skill run file_read --params '{"path":"~/big.txt","max_chars":900000}' --yes | head -c 10 >/dev/null; echo "rc=\${PIPESTATUS[0]}"`;
  const proc = Bun.spawn(["bash", "-c", cmd], { env: sb.env(), stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  // 124 would be timeout's: the command never ended on its own.
  expect(out.trim()).toBe("rc=0");
  expect(err).not.toContain("EPIPE");
}, 30_000);
