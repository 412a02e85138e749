import { expect, test } from "bun:test";
import { MoltFailure } from "../contracts/errors.ts";
import { pluginFrom } from "./plugin-from.ts";
import { TestChannel } from "./test-channel.ts";

test("a module's create…Channel factory or default export gives the plugin", () => {
  const p = new TestChannel("x");
  expect(pluginFrom("x", { createXChannel: () => p, helper: () => 1 })).toBe(p);
  expect(pluginFrom("x", { createChannel: () => p })).toBe(p);
  expect(pluginFrom("x", { default: p })).toBe(p);
});

test("a module without a plugin is an invalid_config error naming the file", () => {
  try {
    pluginFrom("nope", { createNopeChannel: () => ({}) });
    throw new Error("expected a failure");
  } catch (err) {
    expect(err).toBeInstanceOf(MoltFailure);
    expect((err as MoltFailure).error).toMatchObject({ code: "invalid_config", message: "channels/nope/index.ts exports no channel plugin" });
  }
});

test("an exported …Channel class with a no-argument constructor is instantiated", () => {
  class DemoChannel extends TestChannel {}
  const p = pluginFrom("demo", { DemoChannel, parseConfig: () => ({}) });
  expect(p).toBeInstanceOf(DemoChannel);
});
