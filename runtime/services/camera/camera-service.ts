// camera.capture: one still from the configured device through ffmpeg (argv, no shell, killed
// at the deadline), then resized and encoded with sharp. Captures run one at a time: a V4L2
// device opened twice answers EBUSY.
import type { ServiceCall } from "../../sandbox/types.ts";
import { ServiceError, firstLine } from "../service-error.ts";
import { chooseDevice, inputArgs, type CameraDevice } from "./camera-device.ts";

export interface CameraServiceOptions {
  /**
   * V4L2 path or "lavfi:<source>" from config.yaml camera.device (errors say so); without it
   * $MOLTBOT_CAMERA_DEVICE, else /dev/video0.
   */
  device?: string;
  /** The ffmpeg command, looked up in PATH as `findFfmpeg` does; default "ffmpeg". */
  ffmpeg?: string;
  /** Longest a capture may take, whatever the call's own limit; default 10 s. */
  timeoutMs?: number;
}

export interface Photo {
  mime: "image/jpeg" | "image/png";
  width: number;
  height: number;
  bytes: number;
  base64: string;
}

/**
 * Where the camera finds `command`: PATH as this process has it, as for any spawned command
 * (an absolute path is taken as is). `moltbot doctor` asks the same question.
 */
export function findFfmpeg(command = "ffmpeg"): string | null {
  return Bun.which(command);
}

export const MAX_WIDTH = 4096;
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export class CameraService {
  readonly device: string;
  readonly #device: CameraDevice;
  readonly #ffmpeg: string;
  readonly #timeoutMs: number;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(opts: CameraServiceOptions = {}) {
    this.#device = chooseDevice(opts.device);
    this.device = this.#device.path;
    this.#ffmpeg = opts.ffmpeg ?? "ffmpeg";
    this.#timeoutMs = opts.timeoutMs ?? 10_000;
  }

  async call(method: string, args: unknown[], call: ServiceCall): Promise<Photo> {
    if (method !== "capture") throw new ServiceError(`camera.${method} does not exist`, "invalid_params");
    const o = (args[0] ?? {}) as { format?: unknown; width?: unknown };
    // The sandbox bridge carries `undefined` as null: both mean "not given".
    const format = o.format ?? "jpeg";
    if (format !== "jpeg" && format !== "png") throw new ServiceError("camera.capture: format must be \"jpeg\" or \"png\"", "invalid_params");
    const width = o.width ?? undefined;
    if (width !== undefined && (typeof width !== "number" || !Number.isInteger(width) || width < 16 || width > MAX_WIDTH)) {
      throw new ServiceError(`camera.capture: width must be a whole number from 16 to ${MAX_WIDTH}`, "invalid_params");
    }
    const run = this.#queue.then(() => this.#capture(format, width, call.deadline));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #capture(format: "jpeg" | "png", width: number | undefined, deadline: number): Promise<Photo> {
    const frame = await this.#grab(Math.min(this.#timeoutMs, deadline - Date.now()));
    const { default: sharp } = await import("sharp");
    let img = sharp(frame);
    if (width !== undefined) img = img.resize({ width, withoutEnlargement: true });
    const { data, info } = await (format === "jpeg" ? img.jpeg({ quality: 85 }) : img.png()).toBuffer({ resolveWithObject: true });
    return { mime: format === "jpeg" ? "image/jpeg" : "image/png", width: info.width, height: info.height, bytes: data.byteLength, base64: data.toString("base64") };
  }

  /** One frame as PNG bytes from ffmpeg. */
  async #grab(timeoutMs: number): Promise<Uint8Array> {
    if (timeoutMs <= 0) throw new ServiceError("camera.capture: the call has no time left", "timeout");
    const input = inputArgs(this.#device);
    const ffmpeg = findFfmpeg(this.#ffmpeg);
    const notFound = () => new ServiceError(`camera: ffmpeg was not found (looked for "${this.#ffmpeg}" in PATH); install ffmpeg`, "not_found");
    if (ffmpeg === null) throw notFound();
    const argv = [ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", ...input, "-frames:v", "1", "-f", "image2pipe", "-c:v", "png", "-"];
    let proc: ReturnType<typeof Bun.spawn<"ignore", "pipe", "pipe">>;
    try {
      proc = Bun.spawn(argv, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    } catch {
      throw notFound();
    }
    let timedOut = false;
    const timer = setTimeout(() => ((timedOut = true), proc.kill("SIGKILL")), timeoutMs);
    try {
      const [out, err, code] = await Promise.all([
        new Response(proc.stdout).arrayBuffer(),
        new Response(proc.stderr).text(),
        proc.exited,
      ]);
      if (timedOut) throw new ServiceError(`camera: no frame from ${this.device} within ${timeoutMs} ms`, "timeout");
      if (code !== 0 || out.byteLength === 0) {
        throw new ServiceError(`camera: ffmpeg could not read ${this.device} (${firstLine(err || `exit code ${code}`, 200)})`, "host_error");
      }
      if (out.byteLength > MAX_FRAME_BYTES) throw new ServiceError("camera: the frame is larger than 64 MiB", "output_limit");
      return new Uint8Array(out);
    } finally {
      clearTimeout(timer);
    }
  }
}
