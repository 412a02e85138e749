import { afterAll, expect, test } from "bun:test";
import { hostFetch } from "./net-fetch.ts";
import { policyWith, testContext } from "./test-context.ts";
import { LOCALHOST_CERT, LOCALHOST_KEY, OTHER_TEST_CERT, OTHER_TEST_KEY } from "./tls-fixture.ts";
import { HostError } from "./types.ts";

// The request goes to the checked IP (127.0.0.1) while TLS verifies the certificate against the
// name in the URL: these certificates name only a host, never an IP.
const good = Bun.serve({ port: 0, hostname: "127.0.0.1", tls: { cert: LOCALHOST_CERT, key: LOCALHOST_KEY }, fetch: (req) => new Response(`host=${req.headers.get("host")}`) });
const wrong = Bun.serve({ port: 0, hostname: "127.0.0.1", tls: { cert: OTHER_TEST_CERT, key: OTHER_TEST_KEY }, fetch: () => new Response("should not be reached") });
afterAll(() => {
  good.stop(true);
  wrong.stop(true);
});

test("https to a name: connects to the checked address and verifies the certificate for the name", async () => {
  const ctx = testContext({ policy: policyWith(`{ net: ["localhost:${good.port}"] }`), permissions: { net: "all" } });
  const r = await hostFetch(ctx, `https://localhost:${good.port}/`, undefined, { ca: LOCALHOST_CERT });
  expect(new TextDecoder().decode(r.body)).toBe(`host=localhost:${good.port}`);
});

test("https: a certificate for another name is rejected", async () => {
  const ctx = testContext({ policy: policyWith(`{ net: ["localhost:${wrong.port}"] }`), permissions: { net: "all" } });
  const err = await hostFetch(ctx, `https://localhost:${wrong.port}/`, undefined, { ca: OTHER_TEST_CERT }).catch((e) => e);
  expect(err).toBeInstanceOf(HostError);
  expect((err as Error).message).toMatch(/request to localhost:\d+ failed/);
});

test("https: an untrusted certificate is rejected", async () => {
  const ctx = testContext({ policy: policyWith(`{ net: ["localhost:${good.port}"] }`), permissions: { net: "all" } });
  await expect(hostFetch(ctx, `https://localhost:${good.port}/`, undefined)).rejects.toBeInstanceOf(HostError);
});
