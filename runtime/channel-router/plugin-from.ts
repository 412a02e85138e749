// Turns a channel module (what main.ts gets from `import("../channels/<name>/index.ts")`) into
// its plugin. Accepted, in this order: `createChannel()`, a `create…Channel()` factory, a
// default export that is a factory, class or plugin, an exported `…Channel` class. Anything else is a configuration error.
import type { ChannelPlugin } from "../contracts/channel.ts";
import { fail } from "../contracts/errors.ts";

const isPlugin = (v: unknown): v is ChannelPlugin =>
  typeof v === "object" && v !== null && typeof (v as ChannelPlugin).connect === "function" && typeof (v as ChannelPlugin).send === "function" && typeof (v as ChannelPlugin).onMessage === "function";

const isPluginClass = (v: unknown): boolean =>
  typeof v === "function" && typeof (v as { prototype?: { connect?: unknown } }).prototype?.connect === "function" && /^class[\s{]/.test(Function.prototype.toString.call(v));

export function pluginFrom(name: string, mod: Record<string, unknown>): ChannelPlugin {
  const factoryName = Object.keys(mod).find((k) => k === "createChannel") ?? Object.keys(mod).find((k) => /^create\w*Channel$/.test(k) && typeof mod[k] === "function");
  const candidates = [factoryName ? mod[factoryName] : undefined, mod.default];
  // A plugin class with a no-argument constructor (e.g. `export class TelegramChannel`).
  const className = Object.keys(mod).find((k) => /Channel$/.test(k) && isPluginClass(mod[k]));
  for (const c of candidates) {
    const made = typeof c === "function" ? (isPluginClass(c) ? new (c as new () => unknown)() : (c as () => unknown)()) : c;
    if (isPlugin(made)) return made;
  }
  if (className) return new (mod[className] as new () => ChannelPlugin)();
  fail("invalid_config", `channels/${name}/index.ts exports no channel plugin`, "export createChannel(): ChannelPlugin (or a create…Channel factory)");
}
