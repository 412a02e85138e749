// The linked-device credentials live in `auth_dir` (baileys' multi-file format). They are as
// good as a logged-in WhatsApp Web session: the folder is private (0700) and never logged.
import { chmod, mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { useMultiFileAuthState, type AuthenticationState } from "baileys";
import { fail } from "../../runtime/contracts/errors.ts";

export function resolveAuthDir(configured: string | undefined, fallback: string): string {
  if (!configured) return fallback;
  if (configured === "~") return homedir();
  if (configured.startsWith("~/")) return join(homedir(), configured.slice(2));
  return isAbsolute(configured) ? configured : resolve(configured);
}

export async function loadAuthState(dir: string): Promise<{ state: AuthenticationState; saveCreds: () => Promise<void> }> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700); // an existing folder may have been created with a looser mode
    return await useMultiFileAuthState(dir);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? "unreadable";
    return fail("channel_error", `channels.whatsapp.auth_dir: cannot use ${dir} (${why})`, "point auth_dir at a folder this user can create and write");
  }
}
