// Replies that are valid JSON but no JSON-RPC response object, from a stand-in daemon that
// answers each call with the next canned body.
import { afterEach, expect, test } from "bun:test";
import { MoltFailure } from "../../runtime/contracts/errors.ts";
import { parseSignalConfig } from "./config.ts";
import { RpcClient } from "./rpc-client.ts";

let server: ReturnType<typeof Bun.serve> | undefined;
afterEach(() => server?.stop(true));

function daemon(bodies: string[]): RpcClient {
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(bodies.shift() ?? "{}", { headers: { "content-type": "application/json" } }) });
  return new RpcClient(parseSignalConfig({ url: `http://127.0.0.1:${server.port}`, account: "+15550001111" }), { retries: 0 });
}

test.each(["null", "42", '"ok"', "true", "[]"])("a reply of %s is a channel_error, not a TypeError", async (body) => {
  const rpc = daemon([body]);
  const err = await rpc.call("version", {}).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(MoltFailure);
  expect((err as MoltFailure).error.code).toBe("channel_error");
  expect((err as MoltFailure).message).toContain("malformed JSON-RPC reply to version");
});

test("a well-formed reply still gives its result", async () => {
  const rpc = daemon(['{"jsonrpc":"2.0","id":1,"result":{"version":"0.13.4"}}']);
  expect(await rpc.call("version", {})).toEqual({ version: "0.13.4" });
});
