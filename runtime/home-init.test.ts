import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createdBanner } from "./cli/commands/gateway.ts";
import { homePaths } from "./home.ts";
import { DEFAULT_CONFIG_YAML, ensureHome, looseHomeMode } from "./home-init.ts";

let dir = "";
afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });
const fresh = () => (dir = mkdtempSync(join(tmpdir(), "moltbot-home-init-")));

describe("ensureHome", () => {
  test("a new home: the folder (0700), policy, config and skills/ are created and reported", () => {
    const home = join(fresh(), "moltbot");
    const p = homePaths(home);
    expect(ensureHome(home)).toEqual([home, p.policy, p.config, p.skills]);
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(statSync(p.config).mode & 0o777).toBe(0o600);
    expect(looseHomeMode(home)).toBeNull();
    expect(ensureHome(home)).toEqual([]);
  });

  test("a folder the user made, with their config: only what was missing is reported; its mode is left, and reported", () => {
    const home = join(fresh(), "moltbot");
    mkdirSync(home);
    chmodSync(home, 0o755);
    const p = homePaths(home);
    writeFileSync(p.config, "ai_provider: ollama\n");
    expect(ensureHome(home)).toEqual([p.policy, p.skills]);
    expect(statSync(home).mode & 0o777).toBe(0o755);
    expect(looseHomeMode(home)).toBe(0o755);
  });

  test("the default config.yaml points at docs/config.md for every key", () => {
    expect(DEFAULT_CONFIG_YAML.split("\n")[0]).toBe("# Moltbot configuration. Every key, its type and default: docs/config.md in the Moltbot source.");
  });
});

describe("the gateway's first-run banner", () => {
  const home = "/h/moltbot";
  const p = homePaths(home);
  test("a new home says so, with each file", () => {
    const text = createdBanner(home, p, [home, p.policy, p.config, p.skills], "http://127.0.0.1:1");
    expect(text).toStartWith(`First run: created ${home} (private, mode 700) with\n  ${p.policy}  what skills may do`);
    expect(text).toContain(`  ${p.config}  model provider, gateway, channels (every key: docs/config.md)\n`);
    expect(text).toContain("Next: edit config.yaml");
  });

  test("an existing folder: only the files made, no claim of a first run, a private folder or a config", () => {
    const text = createdBanner(home, p, [p.policy], "http://127.0.0.1:1");
    expect(text).toBe(`Created in ${home}:\n  ${p.policy}  what skills may do (safe defaults: reading in your home runs freely, anything that changes something asks first)\n`);
  });
});
