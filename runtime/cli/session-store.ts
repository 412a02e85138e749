// The home's SessionStore (identity links, pairing), for the commands that change it.
import { homePaths, moltbotHome } from "../home.ts";
import { ensureHome } from "../home-init.ts";
import { SessionStore } from "../sessions/index.ts";

export function openSessionStore(): SessionStore {
  const home = moltbotHome();
  ensureHome(home);
  return new SessionStore(homePaths(home).state);
}
