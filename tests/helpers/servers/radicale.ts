// A real CalDAV server for tests: Debian's radicale on 127.0.0.1 with filesystem storage and an
// htpasswd file (plain) in a temp dir. `makeCalendar` creates a collection with MKCALENDAR.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PYTHON, freePort, startProcess, listening } from "./process.ts";

export interface Radicale {
  port: number;
  url: string;
  /** Creates /user/name/ as a calendar and returns its URL. */
  makeCalendar(user: string, password: string, name: string): Promise<string>;
  stop(): Promise<void>;
}

export const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

export async function startRadicale(users: { user: string; password: string }[]): Promise<Radicale> {
  const dir = mkdtempSync(join(tmpdir(), "moltbot-radicale-"));
  const port = await freePort();
  const htpasswd = join(dir, "users");
  writeFileSync(htpasswd, users.map((u) => `${u.user}:${u.password}\n`).join(""));
  const proc = startProcess(PYTHON, [
    "-m", "radicale", "--config", "",
    "--server-hosts", `127.0.0.1:${port}`,
    "--storage-filesystem-folder", join(dir, "collections"),
    "--auth-type", "htpasswd", "--auth-htpasswd-filename", htpasswd, "--auth-htpasswd-encryption", "plain",
    "--logging-level", "warning",
  ]);
  await listening(port, proc, dir);
  const url = `http://127.0.0.1:${port}`;
  return {
    port,
    url,
    async makeCalendar(user, password, name) {
      const target = `${url}/${user}/${name}/`;
      const body = `<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>
<D:displayname>${name}</D:displayname></D:prop></D:set></C:mkcalendar>`;
      const res = await fetch(target, { method: "MKCALENDAR", headers: { authorization: basic(user, password), "content-type": "application/xml" }, body });
      if (res.status !== 201) throw new Error(`MKCALENDAR ${target}: ${res.status} ${await res.text()}`);
      return target;
    },
    stop: async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
