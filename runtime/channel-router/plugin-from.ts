// Turns a channel module (what main.ts gets from `import("../channels/<name>/index.ts")`) into
// its plugin. Accepted, in this order: `createChannel()`, a `create…Channel()` factory, a
// default export that is a factory or a plugin. Anything else is a configuration error.
import type { ChannelPlugin } from "../contracts/channel.ts";
import { fail } from "../contracts/errors.ts";

const isPlugin = (v: unknown): v is ChannelPlugin =>
  typeof v === "object" && v !== null && typeof (v as ChannelPlugin).connect === "function" && typeof (v as ChannelPlugin).send === "function" && typeof (v as ChannelPlugin).onMessage === "function";

export function pluginFrom(name: string, mod: Record<string, unknown>): ChannelPlugin {
  const factoryName = Object.keys(mod).find((k) => k === "createChannel") ?? Object.keys(mod).find((k) => /^create\w*Channel$/.test(k) && typeof mod[k] === "function");
  const candidates = [factoryName ? mod[factoryName] : undefined, mod.default];
  for (const c of candidates) {
    const made = typeof c === "function" ? (c as () => unknown)() : c;
    if (isPlugin(made)) return made;
  }
  fail("invalid_config", `channels/${name}/index.ts exports no channel plugin`, "export createChannel(): ChannelPlugin (or a create…Channel factory)");
}
