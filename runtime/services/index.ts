// The standard main-process services host functions reach through the pool's "rpc" message.
// Each is created on its first call, so a process that never browses never loads Playwright
// (and one that never searches memory never opens its index).
import type { HostServices, ServiceCall } from "../sandbox/types.ts";
import type { BrowserService, BrowserServiceOptions } from "./browser/browser-service.ts";
import type { CameraService, CameraServiceOptions } from "./camera/camera-service.ts";
import type { MemoryService, MemoryServiceOptions } from "./memory/memory-service.ts";
import { ServiceError } from "./service-error.ts";

export interface HostServicesOptions {
  browser?: BrowserServiceOptions;
  camera?: CameraServiceOptions;
  memory?: MemoryServiceOptions;
}

export function createHostServices(opts: HostServicesOptions = {}): HostServices {
  let browser: Promise<BrowserService> | undefined;
  let camera: Promise<CameraService> | undefined;
  let memory: Promise<MemoryService> | undefined;
  const getBrowser = () => (browser ??= import("./browser/browser-service.ts").then((m) => new m.BrowserService(opts.browser)));
  const getCamera = () => (camera ??= import("./camera/camera-service.ts").then((m) => new m.CameraService(opts.camera)));
  const getMemory = () => (memory ??= import("./memory/memory-service.ts").then((m) => new m.MemoryService(opts.memory)));
  return {
    async call(service: string, method: string, args: unknown[], call: ServiceCall) {
      if (service === "browser") return (await getBrowser()).call(method, args, call);
      if (service === "camera") return (await getCamera()).call(method, args, call);
      if (service === "memory") return (await getMemory()).call(method, args, call);
      throw new ServiceError(`no host service named ${service}`, "internal");
    },
    release(session: string) {
      void browser?.then((b) => b.release(session)).catch(() => {});
    },
    async close() {
      await browser?.then((b) => b.close()).catch(() => {});
      await memory?.then((m) => m.close()).catch(() => {});
    },
  };
}

export { ServiceError } from "./service-error.ts";
export type { BrowserServiceOptions, CameraServiceOptions, MemoryServiceOptions };
