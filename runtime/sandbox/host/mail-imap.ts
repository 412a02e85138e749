// One IMAP session per host call (imapflow over a plain socket, which works in a Bun worker):
// connect to the checked address, log in with the configured account, run `work` with the
// folder locked, log out. Everything must end by the call's deadline; on expiry the socket is
// closed. Errors are reported by kind, never with the server's text (it can echo the login).
import type { ImapFlow } from "imapflow";
import { beforeDeadline, checkedServer, timeLeft } from "./mail-server.ts";
import { HostError, type HostContext } from "./types.ts";

export async function withImap<T>(ctx: HostContext, fn: string, folder: string, work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const { ip, servername, server } = await checkedServer(ctx, "read", fn);
  // Loaded on first use: imapflow takes ~100 ms to import, which every sandbox worker would
  // otherwise pay at start whether or not a skill reads mail.
  const { ImapFlow } = await import("imapflow");
  const remaining = timeLeft(ctx, fn);
  const client = new ImapFlow({
    host: ip,
    port: server.port,
    secure: server.secure === true,
    servername,
    auth: { user: String(server.user ?? ""), pass: String(server.password ?? "") },
    logger: false,
    connectionTimeout: remaining,
    greetingTimeout: remaining,
    socketTimeout: remaining,
    disableAutoIdle: true,
  });
  client.on("error", () => {}); // reported through the awaited calls below
  const session = async (): Promise<T> => {
    try {
      await client.connect();
    } catch (err) {
      throw imapError(fn, err, server.host, "connect");
    }
    let lock;
    try {
      lock = await client.getMailboxLock(folder, { readOnly: true });
    } catch (err) {
      throw imapError(fn, err, server.host, "folder", folder);
    }
    try {
      return await work(client);
    } catch (err) {
      throw err instanceof HostError ? err : imapError(fn, err, server.host, "command");
    } finally {
      lock.release();
    }
  };
  try {
    return await beforeDeadline(fn, remaining, () => client.close(), session());
  } finally {
    client.logout().catch(() => client.close());
  }
}

function imapError(fn: string, err: unknown, host: string, stage: "connect" | "folder" | "command", folder?: string): HostError {
  const e = (err ?? {}) as { authenticationFailed?: boolean; code?: string; serverResponseCode?: string };
  if (e.authenticationFailed) return new HostError(`${fn}: the IMAP server ${host} refused the login; check mail.imap.user/password in config.yaml`, "unauthorized");
  if (stage === "folder") return new HostError(`${fn}: there is no folder "${String(folder).slice(0, 100)}"`, "not_found");
  const why = e.serverResponseCode ?? e.code ?? "error";
  if (stage === "connect") return new HostError(`${fn}: could not connect to the IMAP server ${host} (${why})`, "host_error");
  return new HostError(`${fn}: the IMAP server ${host} failed the request (${why})`, "host_error");
}
