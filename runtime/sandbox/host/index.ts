// The host side of the sandbox: capability functions by global name, and the per-call context
// they check permissions through. Core (runtime/sandbox) exposes these to QuickJS.
import { BROWSER } from "./browser.ts";
import { CAMERA } from "./camera.ts";
import { ENV } from "./env-get.ts";
import { FS_READ } from "./fs-read.ts";
import { FS_WRITE } from "./fs-write.ts";
import { MAIL } from "./mail.ts";
import { MEMORY } from "./memory.ts";
import { NET } from "./net-fetch.ts";
import { SHELL } from "./shell-run.ts";
import type { HostApi } from "./types.ts";

export const HOST_API: HostApi = {
  fs: { ...FS_READ, ...FS_WRITE },
  env: ENV,
  shell: SHELL,
  net: NET,
  browser: BROWSER,
  camera: CAMERA,
  mail: MAIL,
  memory: MEMORY,
};

export { createHostContext, type HostContextOptions, type RecordingHostContext } from "./context.ts";
export { HostDenied, HostError, type HostApi, type HostContext, type HostFn } from "./types.ts";
