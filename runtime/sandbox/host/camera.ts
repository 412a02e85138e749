// HOST_API.camera: `camera` is checked here (fail closed); the capture itself runs in the main
// process's CameraService, which owns the device (one capture at a time) and its configuration.
import { requirePermission } from "./guard.ts";
import { callService } from "../../services/worker-calls.ts";
import { HostError, type HostFn } from "./types.ts";

export const CAMERA = {
  capture: (async (ctx, [opts]) => {
    await requirePermission(ctx, { kind: "camera" });
    if (opts !== undefined && opts !== null && (typeof opts !== "object" || Array.isArray(opts))) {
      throw new HostError('camera.capture: pass options as an object, e.g. { format: "png", width: 640 }', "invalid_params");
    }
    const o = (opts ?? {}) as { format?: unknown; width?: unknown };
    return callService(ctx, "camera", "capture", [{ format: o.format, width: o.width }]);
  }) as HostFn,
} satisfies Record<string, HostFn>;
