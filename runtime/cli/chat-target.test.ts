// gateway.token goes only to the address the gateway holds: any user on this machine may listen
// on another loopback address (127.0.0.2, [::1]) at the same port.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chatTarget } from "./chat-target.ts";

const home = mkdtempSync(join(tmpdir(), "chat-target-"));
const saved = { home: process.env.MOLTBOT_HOME, token: process.env.MOLTBOT_TOKEN };
const configure = (host: string) => writeFileSync(join(home, "config.yaml"), `gateway: { host: "${host}", port: 18789, token: "cfg-token-0123456789" }\n`);

beforeAll(() => {
  process.env.MOLTBOT_HOME = home;
  delete process.env.MOLTBOT_TOKEN;
});
afterAll(() => {
  if (saved.home === undefined) delete process.env.MOLTBOT_HOME;
  else process.env.MOLTBOT_HOME = saved.home;
  if (saved.token !== undefined) process.env.MOLTBOT_TOKEN = saved.token;
  rmSync(home, { recursive: true, force: true });
});

test("the configured token goes to the gateway's own address only", async () => {
  configure("127.0.0.1");
  expect((await chatTarget(undefined, undefined)).token).toBe("cfg-token-0123456789");
  expect((await chatTarget("ws://127.0.0.1:18789", undefined)).token).toBe("cfg-token-0123456789");
  for (const other of ["ws://127.0.0.2:18789", "ws://[::1]:18789", "ws://127.0.0.1:18790", "ws://example.org:18789"]) {
    const t = await chatTarget(other, undefined);
    expect(t.token).toBeUndefined();
    expect(t.tokenNote).toContain("was not sent");
  }
});

test("localhost is reached at the address the gateway holds, not wherever the name resolves first", async () => {
  configure("127.0.0.1");
  const t = await chatTarget("ws://localhost:18789/ws", undefined);
  expect([t.url, t.token]).toEqual(["ws://127.0.0.1:18789/ws", "cfg-token-0123456789"]);
  configure("localhost");
  expect((await chatTarget(undefined, undefined)).url).toBe("http://127.0.0.1:18789");
  configure("0.0.0.0");
  expect((await chatTarget("ws://[::1]:18789", undefined)).token).toBeUndefined();
  expect((await chatTarget("ws://127.0.0.1:18789", undefined)).token).toBe("cfg-token-0123456789");
  configure("::");
  expect((await chatTarget("ws://[::1]:18789", undefined)).token).toBe("cfg-token-0123456789");
  expect((await chatTarget("ws://127.0.0.1:18789", undefined)).token).toBeUndefined();
});
