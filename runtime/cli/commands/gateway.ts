import { EXIT, fail } from "../../contracts/errors.ts";
import { parse } from "../args.ts";
import { writeErr, writeOut } from "../output.ts";
import { homePaths, moltbotHome } from "../../home.ts";
import { ensureHome, looseHomeMode } from "../../home-init.ts";
import pkg from "../../../package.json" with { type: "json" };

const HELP = `Usage: moltbot [gateway] [--host H] [--port P]

Starts the Moltbot gateway: HTTP, WebChat (GET /) and WebSocket (/ws), on gateway.host and
gateway.port from config.yaml (default 127.0.0.1:18789).
  --host H     address to bind (anything but loopback needs a token: gateway.token or MOLTBOT_TOKEN)
  --port P     port (0 picks a free one)
  -h, --help   this help

The gateway runs until stopped, so it has no --json; check it with GET /health or 'moltbot doctor --json'.

Stops cleanly on Ctrl-C (SIGINT) or SIGTERM: running answers finish (or are cancelled after
5 s), the audit log and memory are flushed, then it exits 0.
`;

/** What ensureHome made, and nothing else: a folder the user made is not "created (private)". */
export function createdBanner(home: string, paths: ReturnType<typeof homePaths>, created: string[], url: string): string {
  const what: Record<string, string> = {
    [paths.config]: "model provider, gateway, channels (every key: docs/config.md)",
    [paths.policy]: "what skills may do (safe defaults: reading in your home runs freely, anything that changes something asks first)",
    [paths.skills]: "installed skills (none yet)",
  };
  const files = created.filter((f) => f !== home);
  const head = created.includes(home) ? `First run: created ${home} (private, mode 700)${files.length > 0 ? " with" : ""}\n` : `Created in ${home}:\n`;
  const lines = files.map((f) => `  ${f}${what[f] ? `  ${what[f]}` : ""}\n`).join("");
  const next = created.includes(paths.config)
    ? `Next: edit config.yaml to pick a model (Ollama on localhost by default), then open ${url}/ or run 'moltbot chat'.\n`
    : "";
  return head + lines + next;
}

export async function gatewayCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { host: { type: "string" }, port: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } }, "gateway");
  if (values.help) {
    await writeOut(HELP);
    return EXIT.ok;
  }
  if (values.json) fail("invalid_input", "gateway runs until stopped; --json is not available", "check a running gateway with GET /health, or run 'moltbot doctor --json'");
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    fail("invalid_input", `gateway: --port must be a number from 0 to 65535`, "e.g. --port 18789");
  }
  const home = moltbotHome();
  const paths = homePaths(home);
  const created = ensureHome(home);
  const { loadConfig } = await import("../../config/index.ts");
  const config = loadConfig(paths.config);
  const { startLocalGateway } = await import("../../main.ts");
  const gw = await startLocalGateway({
    host: values.host ?? config.gateway.host,
    port: port ?? config.gateway.port,
    token: process.env.MOLTBOT_TOKEN || config.gateway.token,
    version: pkg.version,
    config,
  });
  await writeOut(`moltbot gateway listening on ${gw.url} (health: ${gw.url}/health, WebChat: ${gw.url}/)\n`);
  if (created.length > 0) await writeOut(createdBanner(home, paths, created, gw.url));
  const loose = looseHomeMode(home);
  if (loose !== null) {
    await writeErr(`warning: ${home} is readable by others (mode ${loose.toString(8)}); it holds your config, memory and audit log\nhint: chmod 700 ${home}\n`);
  }
  const shutdown = async (signal: string) => {
    await writeErr(`received ${signal}, shutting down\n`);
    await gw.stop();
    process.exit(EXIT.ok);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  return -1; // keep running
}
