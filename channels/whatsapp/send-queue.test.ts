import { describe, expect, test } from "bun:test";
import { backoffDelay } from "./backoff.ts";
import { SendQueue } from "./send-queue.ts";

describe("send queue", () => {
  test("one chat's sends run one at a time, in order, even when one fails", async () => {
    const q = new SendQueue(1);
    const log: string[] = [];
    let running = 0;
    const job = (name: string, fail = false) => q.run("chat", async () => {
      running++;
      expect(running).toBe(1);
      log.push(name);
      await Bun.sleep(1);
      running--;
      if (fail) throw new Error(name);
      return name;
    });
    const results = await Promise.allSettled([job("a"), job("b", true), job("c")]);
    expect(log).toEqual(["a", "b", "c"]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });

  test("different chats do not wait for each other; drain waits for all", async () => {
    const q = new SendQueue(0);
    const order: string[] = [];
    let release!: () => void;
    const slow = q.run("a", () => new Promise<void>((r) => { release = r; }).then(() => void order.push("a")));
    await q.run("b", async () => void order.push("b"));
    expect(order).toEqual(["b"]);
    const drained = q.drain().then(() => order.push("drained"));
    release();
    await Promise.all([slow, drained]);
    expect(order).toEqual(["b", "a", "drained"]);
  });
});

describe("reconnect backoff", () => {
  test("doubles from the initial delay up to the cap, with ±20 % jitter", () => {
    const opts = { initialMs: 1000, maxMs: 60_000 };
    expect([1, 2, 3, 4, 7, 30].map((a) => backoffDelay(a, opts, () => 0.5))).toEqual([1000, 2000, 4000, 8000, 60_000, 60_000]);
    expect(backoffDelay(1, opts, () => 0)).toBe(800);
    expect(backoffDelay(1, opts, () => 1)).toBe(1200);
    expect(backoffDelay(12, opts, () => 1)).toBe(60_000);
  });
});
