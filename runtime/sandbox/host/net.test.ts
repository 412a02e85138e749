import { afterAll, describe, expect, test } from "bun:test";
import { HOST_API } from "./index.ts";
import { MAX_FETCH_BODY_BYTES, type FetchResult } from "./net-fetch.ts";
import { policyWith, testContext, denied } from "./test-context.ts";
import { HostDenied, HostError } from "./types.ts";

const fetchFn = HOST_API.net!.fetch!;
const SECRET = "s3cr3t-token-value";

function echo(req: Request, body: string): Response {
  const info = { method: req.method, body, host: req.headers.get("host"), authorization: req.headers.get("authorization"), cookie: req.headers.get("cookie") };
  return Response.json(info, { headers: { "x-echo-auth": req.headers.get("authorization") ?? "" } });
}

function handler(req: Request): Response | Promise<Response> {
  const url = new URL(req.url);
  switch (url.pathname) {
    case "/hello":
      return new Response("hello");
    case "/gzip":
      return new Response(Bun.gzipSync(new TextEncoder().encode("squeezed ".repeat(100))), { headers: { "content-encoding": "gzip", "content-type": "text/plain" } });
    case "/echo":
      return req.text().then((b) => echo(req, b));
    case "/redirect":
      return new Response(null, { status: Number(url.searchParams.get("status") ?? 302), headers: { location: url.searchParams.get("to") ?? "/hello" } });
    case "/loop":
      return new Response(null, { status: 302, headers: { location: "/loop" } });
    case "/big":
      return new Response(new Uint8Array(MAX_FETCH_BODY_BYTES + 1));
    case "/big-stream":
      return new Response(new ReadableStream({
        async pull(c) {
          c.enqueue(new Uint8Array(1024 * 1024));
        },
      }));
    case "/slow":
      return Bun.sleep(3_000).then(() => new Response("late"));
    default:
      return new Response("not found", { status: 404 });
  }
}

const one = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: handler });
const two = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: handler });
afterAll(() => {
  one.stop(true);
  two.stop(true);
});
const A = `127.0.0.1:${one.port}`;
const B = `127.0.0.1:${two.port}`;

const ctxFor = (allow: string, more: Parameters<typeof testContext>[0] extends infer O ? Partial<O> : never = {}) =>
  testContext({ policy: policyWith(allow), permissions: { net: "all" }, ...more });
const text = (r: unknown) => new TextDecoder().decode((r as FetchResult).body);
const json = (r: unknown) => JSON.parse(text(r));

describe("net.fetch permissions", () => {
  test("a gzip-encoded response arrives decoded, as a browser shows it", async () => {
    const r = (await fetchFn(ctxFor(`{ net: ["${A}"] }`), [`http://${A}/gzip`])) as FetchResult;
    expect(text(r)).toBe("squeezed ".repeat(100));
  });

  test("a granted host:port is fetched, with the original Host header", async () => {
    const r = (await fetchFn(ctxFor(`{ net: ["${A}"] }`), [`http://${A}/echo`])) as FetchResult;
    expect(r.status).toBe(200);
    expect(r.url).toBe(`http://${A}/echo`);
    expect(json(r)).toMatchObject({ method: "GET", host: A });
    expect(r.headers.find(([k]) => k === "content-type")?.[1]).toContain("application/json");
  });

  test("another port of the same host is denied, and the denial is recorded", async () => {
    const ctx = ctxFor(`{ net: ["${A}"] }`);
    const err = await denied(fetchFn(ctx, [`http://${B}/hello`]));
    expect(err.message).toContain(`Requires net access to "${B}"`);
    expect(ctx.denials).toEqual([{ kind: "net", value: B, rule: "special-address", caught: false }]);
  });

  test("every spelling of 127.0.0.1 is recognised as loopback and never prompted", async () => {
    const ctx = testContext({ policy: policyWith(`{ net: ["localhost:${one.port}"] }`, "prompt: true"), permissions: { net: "all" }, answer: true });
    for (const host of ["2130706433", "0x7f.1", "[::ffff:127.0.0.1]", "127.1", "127.0.0.1."]) {
      const err = await denied(fetchFn(ctx, [`http://${host}:${one.port}/hello`]));
      expect(err.request.value).toBe(A);
      expect(err.decision.rule).toBe("special-address");
    }
    expect(ctx.asked).toEqual([]);
  });

  test("a literal grant of 127.0.0.1:PORT admits its other spellings", async () => {
    const ctx = ctxFor(`{ net: ["${A}"] }`);
    expect(text(await fetchFn(ctx, [`http://2130706433:${one.port}/hello`]))).toBe("hello");
    expect(text(await fetchFn(ctx, [`http://[::ffff:127.0.0.1]:${one.port}/hello`]))).toBe("hello");
  });

  test("localhost resolving to 127.0.0.1: allowed by an exact grant, denied otherwise", async () => {
    const exact = ctxFor(`{ net: ["localhost:${one.port}"] }`);
    expect(json(await fetchFn(exact, [`http://localhost:${one.port}/echo`])).host).toBe(`localhost:${one.port}`);
    await denied(fetchFn(ctxFor(`{ net: ["${A}"] }`), [`http://localhost:${one.port}/hello`]));
    await denied(fetchFn(ctxFor(`{ net: ["*.localhost"] }`), [`http://app.localhost:${one.port}/hello`]));
    const coarse = testContext({ policy: "version: 1\nprompt: true\n", permissions: { net: "all" }, answer: true });
    await denied(fetchFn(coarse, [`http://localhost:${one.port}/hello`]));
    expect(coarse.asked).toEqual([]);
  });

  test("a prompt: no denies; yes lets the request go on to DNS", async () => {
    const url = `http://example.invalid:${one.port}/`;
    const no = testContext({ policy: "version: 1\nprompt: true\n", permissions: { net: "all" }, answer: false });
    await denied(fetchFn(no, [url]));
    expect(no.asked.map((a) => a.req)).toEqual([{ kind: "net", value: `example.invalid:${one.port}` }]);
    const yes = testContext({ policy: "version: 1\nprompt: true\n", permissions: { net: "all" }, answer: true });
    const err = await (fetchFn(yes, [url]) as Promise<unknown>).catch((e) => e);
    expect(err).toBeInstanceOf(HostError);
    expect((err as Error).message).toContain("could not resolve example.invalid");
    expect(yes.asked.length).toBe(1);
  });

  test("only http and https; no credentials in the URL", async () => {
    const ctx = ctxFor(`{ net: ["${A}"] }`);
    for (const u of ["file:///etc/passwd", `ftp://${A}/`, "data:text/plain,hi", "not a url"]) {
      await expect(fetchFn(ctx, [u]) as Promise<unknown>).rejects.toMatchObject({ code: "invalid_params" });
    }
    await expect(fetchFn(ctx, [`http://u:p@${A}/hello`]) as Promise<unknown>).rejects.toThrow(/credentials in the URL/);
  });
});

describe("net.fetch redirects", () => {
  const redirect = (to: string, status = 302) => `http://${A}/redirect?status=${status}&to=${encodeURIComponent(to)}`;

  test("each hop is re-checked: a redirect to an ungranted port or the metadata address is denied", async () => {
    await denied(fetchFn(ctxFor(`{ net: ["${A}"] }`), [redirect(`http://${B}/hello`)]));
    const err = await denied(fetchFn(ctxFor(`{ net: ["${A}", "*.example.com"] }`), [redirect("http://169.254.169.254/latest/meta-data/")]));
    expect(err.request.value).toBe("169.254.169.254:80");
  });

  test("303 turns POST into GET and a cross-origin hop drops identity headers", async () => {
    const ctx = ctxFor(`{ net: ["${A}", "${B}"] }`);
    const r = await fetchFn(ctx, [redirect(`http://${B}/echo`, 303), { method: "POST", body: "payload", headers: [["authorization", "Basic abc"], ["cookie", "c=1"]] }]);
    expect(json(r)).toEqual({ method: "GET", body: "", host: B, authorization: null, cookie: null });
    expect((r as FetchResult).url).toBe(`http://${B}/echo`);
  });

  test("307 keeps method, body and same-origin headers", async () => {
    const r = await fetchFn(ctxFor(`{ net: ["${A}"] }`), [redirect("/echo", 307), { method: "POST", body: "payload", headers: [["authorization", "Basic abc"]] }]);
    expect(json(r)).toMatchObject({ method: "POST", body: "payload", authorization: "Basic abc" });
  });

  test("more than 10 redirects is an error", async () => {
    await expect(fetchFn(ctxFor(`{ net: ["${A}"] }`), [`http://${A}/loop`]) as Promise<unknown>).rejects.toThrow(/more than 10 redirects/);
  });
});

describe("net.fetch limits", () => {
  test("a body over the cap is refused, with or without content-length", async () => {
    const ctx = ctxFor(`{ net: ["${A}"] }`);
    await expect(fetchFn(ctx, [`http://${A}/big`]) as Promise<unknown>).rejects.toMatchObject({ code: "output_limit" });
    await expect(fetchFn(ctx, [`http://${A}/big-stream`]) as Promise<unknown>).rejects.toMatchObject({ code: "output_limit" });
  });

  test("maxBodyBytes: the first bytes of a longer body, marked truncated, even past the cap", async () => {
    const ctx = ctxFor(`{ net: ["${A}"] }`);
    const cut = (await fetchFn(ctx, [`http://${A}/big-stream`, { maxBodyBytes: 3000 }])) as FetchResult;
    expect([cut.body.length, cut.truncated]).toEqual([3000, true]);
    const declared = (await fetchFn(ctx, [`http://${A}/big`, { maxBodyBytes: MAX_FETCH_BODY_BYTES }])) as FetchResult;
    expect([declared.body.length, declared.truncated]).toEqual([MAX_FETCH_BODY_BYTES, true]);
    const whole = (await fetchFn(ctx, [`http://${A}/hello`, { maxBodyBytes: 5 }])) as FetchResult;
    expect([text(whole), whole.truncated]).toEqual(["hello", false]);
    for (const bad of [0, 1.5, "9", MAX_FETCH_BODY_BYTES + 1]) {
      await expect(fetchFn(ctx, [`http://${A}/hello`, { maxBodyBytes: bad }]) as Promise<unknown>).rejects.toMatchObject({ code: "invalid_params" });
    }
  });

  test("a request must finish by the call's deadline", async () => {
    const ctx = ctxFor(`{ net: ["${A}"] }`, { deadlineMs: 300 });
    await expect(fetchFn(ctx, [`http://${A}/slow`]) as Promise<unknown>).rejects.toMatchObject({ code: "timeout" });
  });
});

describe("net.fetch credentials", () => {
  const cred = (host: string) => [{ name: "svc", host, header: "Authorization", format: "Bearer {value}", value: SECRET }];

  test("the host adds the credential to matching requests and redacts it from what comes back", async () => {
    const ctx = ctxFor(`{ net: ["${A}"] }`, { credentials: cred("127.0.0.1") });
    const r = (await fetchFn(ctx, [`http://${A}/echo`, { headers: [["authorization", "Bearer mine"]] }])) as FetchResult;
    expect(text(r)).not.toContain(SECRET);
    expect(json(r).authorization).toBe("Bearer [REDACTED]");
    expect(r.headers.find(([k]) => k === "x-echo-auth")?.[1]).toBe("Bearer [REDACTED]");
  });

  test("a body cut at maxBodyBytes inside the echoed credential shows none of it", async () => {
    const ctx = ctxFor(`{ net: ["${A}"] }`, { credentials: cred("127.0.0.1") });
    const whole = text(await fetchFn(ctx, [`http://${A}/echo`]));
    const at = whole.indexOf("[REDACTED]");
    expect(at).toBeGreaterThan(0);
    // Every cut inside where the credential was: the part of it that would show is cut too.
    for (let k = 1; k < SECRET.length; k++) {
      const r = (await fetchFn(ctx, [`http://${A}/echo`, { maxBodyBytes: at + k }])) as FetchResult;
      expect(r.truncated).toBe(true);
      expect(text(r)).toBe(whole.slice(0, at));
    }
  });

  test("requests to other hosts never carry it", async () => {
    const r = await fetchFn(ctxFor(`{ net: ["${A}"] }`, { credentials: cred("api.example.com") }), [`http://${A}/echo`]);
    expect(json(r).authorization).toBeNull();
  });

  test("a request the skill wrote that contains the secret is refused", async () => {
    const ctx = ctxFor(`{ net: ["${A}"] }`, { credentials: cred("api.example.com") });
    const attempts: unknown[][] = [
      [`http://${A}/echo?t=${SECRET}`],
      [`http://${A}/echo`, { headers: [["x-leak", SECRET]] }],
      [`http://${A}/echo`, { method: "POST", body: `token=${SECRET}` }],
      [`http://${A}/echo`, { method: "POST", body: new TextEncoder().encode(SECRET) }],
    ];
    for (const args of attempts) {
      await expect(fetchFn(ctx, args) as Promise<unknown>).rejects.toThrow(/contains a credential value/);
    }
    // Each is a denial like any other: raised as PermissionDenied and recorded for the audit.
    await expect(fetchFn(ctx, attempts[0]!) as Promise<unknown>).rejects.toBeInstanceOf(HostDenied);
    expect(ctx.denials.length).toBe(attempts.length + 1);
    expect(ctx.denials[0]).toMatchObject({ kind: "net", value: A, rule: "credentials" });
  });
});
