// Which camera to read and how ffmpeg opens it. A device is a V4L2 path ("/dev/video0") or,
// for tests and machines without a camera, an ffmpeg lavfi source ("lavfi:testsrc=size=1280x720").
// Where it comes from, first set wins: config.yaml `camera.device` (passed in as an option),
// then $MOLTBOT_CAMERA_DEVICE, then /dev/video0. Errors name that place, so the user changes
// the setting that is actually in force.
import { existsSync } from "node:fs";
import { ServiceError } from "../service-error.ts";

export const DEFAULT_DEVICE = "/dev/video0";
export const DEVICE_ENV = "MOLTBOT_CAMERA_DEVICE";

export type DeviceSource = "config" | "env" | "default";

export interface CameraDevice {
  path: string;
  from: DeviceSource;
}

/** The device in force: `configured` (config.yaml camera.device), else the environment, else the default. */
export function chooseDevice(configured: string | undefined, env: Record<string, string | undefined> = process.env): CameraDevice {
  if (configured !== undefined) return { path: configured, from: "config" };
  const fromEnv = env[DEVICE_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return { path: fromEnv, from: "env" };
  return { path: DEFAULT_DEVICE, from: "default" };
}

/** ffmpeg's input arguments for `device`; throws a one-line error when there is no such camera. */
export function inputArgs(device: CameraDevice): string[] {
  const { path, from } = device;
  if (path.startsWith("lavfi:")) {
    const graph = path.slice("lavfi:".length);
    if (graph === "") throw new ServiceError(`camera: the device "lavfi:"${setBy(from)} names no source`, "invalid_config");
    return ["-f", "lavfi", "-i", graph];
  }
  if (!path.startsWith("/")) {
    throw new ServiceError(`camera: the device${setBy(from)} must be a path like /dev/video0 or lavfi:<source>, not "${path.slice(0, 80)}"`, "invalid_config");
  }
  if (!existsSync(path)) throw new ServiceError(noCamera(path, from), "not_found");
  return ["-f", "v4l2", "-i", path];
}

function setBy(from: DeviceSource): string {
  return from === "config" ? " (camera.device in config.yaml)" : from === "env" ? ` (${DEVICE_ENV})` : "";
}

function noCamera(path: string, from: DeviceSource): string {
  switch (from) {
    case "config":
      return `camera: no camera at ${path}, set by camera.device in config.yaml (it takes precedence over ${DEVICE_ENV}); connect one or change camera.device in config.yaml (e.g. /dev/video1) to the right device`;
    case "env":
      return `camera: no camera at ${path}; connect one or set ${DEVICE_ENV} (e.g. /dev/video1) to the right device`;
    case "default":
      return `camera: no camera at ${path}, the default device; connect one or set camera.device in config.yaml (or ${DEVICE_ENV}) to the right device, e.g. /dev/video1`;
  }
}
