// A real IMAP server for tests: Debian's dovecot, as the current user, on 127.0.0.1 with a
// throwaway config, a passwd-file of plaintext test passwords and Maildirs in a temp dir.
// Mail is seeded by writing Maildir files (new/ = unseen, cur/…:2,S = seen; mtime = date).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { freePort, startProcess, listening } from "./process.ts";

export interface Dovecot {
  port: number;
  dir: string;
  /** Puts one RFC 822 message into `user`'s INBOX (or `folder`). */
  deliver(user: string, message: string, opts?: { seen?: boolean; date?: Date; folder?: string }): void;
  /** What dovecot logged, for a failing test's message. */
  log(): string;
  stop(): Promise<void>;
}

let seq = 0;

export async function startDovecot(users: { user: string; password: string }[]): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), "moltbot-dovecot-"));
  const port = await freePort();
  const { uid, gid } = userInfo();
  // Bun's userInfo().username can be "unknown"; dovecot needs the passwd name. Dovecot refuses
  // to run its login process as root: as root (CI), use the users Debian's package creates.
  const username = Bun.spawnSync(["id", "-un"]).stdout.toString().trim();
  const loginUser = uid === 0 ? "dovenull" : username;
  const internalUser = uid === 0 ? "dovecot" : username;
  // Nor does it serve mail as uid 0: as root, mail belongs to the dovecot user.
  const owner = uid === 0 ? idsOf(internalUser) : { uid, gid };
  for (const d of ["run", "state", "mail"]) mkdirSync(join(dir, d));
  const passwd = join(dir, "users");
  writeFileSync(passwd, users.map((u) => `${u.user}:{PLAIN}${u.password}:${owner.uid}:${owner.gid}::${join(dir, "mail", u.user)}\n`).join(""));
  // Dovecot's auth process runs as the internal user; it must be able to read the (throwaway) file.
  chmodSync(dir, 0o755);
  chmodSync(passwd, 0o644);
  const conf = join(dir, "dovecot.conf");
  writeFileSync(conf, `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = moltbot-test-${port}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_verbose = yes
auth_failure_delay = 0
default_login_user = ${loginUser}
default_internal_user = ${internalUser}
log_path = /dev/stderr
mail_location = maildir:~/Maildir
first_valid_uid = 0
first_valid_gid = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${passwd}
}
userdb {
  driver = passwd-file
  args = username_format=%u ${passwd}
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`);
  const proc = startProcess("/usr/sbin/dovecot", ["-F", "-c", conf]);
  await listening(port, proc, dir);
  return {
    port,
    dir,
    deliver(user, message, opts = {}) {
      const home = join(dir, "mail", user);
      const base = join(home, "Maildir", opts.folder ? `.${opts.folder}` : "");
      for (const d of ["new", "cur", "tmp"]) mkdirSync(join(base, d), { recursive: true });
      const name = `${Date.now()}.M${++seq}P${process.pid}.moltbot-test`;
      const path = opts.seen ? join(base, "cur", `${name}:2,S`) : join(base, "new", name);
      writeFileSync(path, message.replace(/\r?\n/g, "\r\n"));
      if (opts.date) utimesSync(path, opts.date, opts.date);
      if (uid === 0) Bun.spawnSync(["chown", "-R", `${owner.uid}:${owner.gid}`, home]);
    },
    log: () => proc.output(),
    stop: async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function idsOf(user: string): { uid: number; gid: number } {
  const out = Bun.spawnSync(["id", "-u", user]).stdout.toString().trim();
  const grp = Bun.spawnSync(["id", "-g", user]).stdout.toString().trim();
  if (!/^\d+$/.test(out) || !/^\d+$/.test(grp)) throw new Error(`dovecot: no system user "${user}" (is dovecot-core installed?)`);
  return { uid: Number(out), gid: Number(grp) };
}
