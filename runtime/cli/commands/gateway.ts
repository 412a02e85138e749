import { EXIT, fail } from "../../contracts/errors.ts";
import { parse } from "../args.ts";
import { writeErr, writeOut } from "../output.ts";
import pkg from "../../../package.json" with { type: "json" };

const HELP = `Usage: moltbot [gateway] [--host H] [--port P]

Starts the Moltbot gateway: HTTP and WebSocket on 127.0.0.1:18789 by default.
  --host H     address to bind (anything but loopback needs MOLTBOT_TOKEN)
  --port P     port (0 picks a free one)
  -h, --help   this help

Stops cleanly on Ctrl-C (SIGINT) or SIGTERM.
`;

export async function gatewayCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { host: { type: "string" }, port: { type: "string" }, help: { type: "boolean", short: "h" } }, "gateway");
  if (values.help) {
    await writeOut(HELP);
    return EXIT.ok;
  }
  const port = values.port === undefined ? 18789 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail("invalid_input", `gateway: --port must be a number from 0 to 65535`, "e.g. --port 18789");
  }
  const { startLocalGateway } = await import("../../main.ts");
  const gw = await startLocalGateway({ host: values.host ?? "127.0.0.1", port, token: process.env.MOLTBOT_TOKEN, version: pkg.version });
  await writeOut(`moltbot gateway listening on ${gw.url} (health: ${gw.url}/health)\n`);
  const shutdown = async (signal: string) => {
    await writeErr(`received ${signal}, shutting down\n`);
    await gw.stop();
    process.exit(EXIT.ok);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  return -1; // keep running
}
