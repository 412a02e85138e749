// Which camera to read and how ffmpeg opens it. A device is a V4L2 path ("/dev/video0") or,
// for tests and machines without a camera, an ffmpeg lavfi source ("lavfi:testsrc=size=1280x720").
import { existsSync } from "node:fs";
import { ServiceError } from "../service-error.ts";

export const DEFAULT_DEVICE = "/dev/video0";

/** ffmpeg's input arguments for `device`; throws a one-line error when there is no such camera. */
export function inputArgs(device: string): string[] {
  if (device.startsWith("lavfi:")) {
    const graph = device.slice("lavfi:".length);
    if (graph === "") throw new ServiceError("camera: the device \"lavfi:\" names no source", "invalid_config");
    return ["-f", "lavfi", "-i", graph];
  }
  if (!device.startsWith("/")) {
    throw new ServiceError(`camera: the device must be a path like /dev/video0 or lavfi:<source>, not "${device.slice(0, 80)}"`, "invalid_config");
  }
  if (!existsSync(device)) {
    throw new ServiceError(
      `camera: no camera at ${device}; connect one or set MOLTBOT_CAMERA_DEVICE (e.g. /dev/video1) to the right device`,
      "not_found",
    );
  }
  return ["-f", "v4l2", "-i", device];
}
