import { describe, expect, test } from "bun:test";
import { chooseDevice, inputArgs } from "./camera-device.ts";

const env = (device?: string) => ({ path: device ?? "/dev/video99", from: "env" as const });

describe("which camera", () => {
  test("config.yaml camera.device wins over MOLTBOT_CAMERA_DEVICE, which wins over the default", () => {
    expect(chooseDevice("/dev/video7", { MOLTBOT_CAMERA_DEVICE: "/dev/video1" })).toEqual({ path: "/dev/video7", from: "config" });
    expect(chooseDevice(undefined, { MOLTBOT_CAMERA_DEVICE: "/dev/video1" })).toEqual({ path: "/dev/video1", from: "env" });
    expect(chooseDevice(undefined, { MOLTBOT_CAMERA_DEVICE: "" })).toEqual({ path: "/dev/video0", from: "default" });
    expect(chooseDevice(undefined, {})).toEqual({ path: "/dev/video0", from: "default" });
  });
});

describe("camera device → ffmpeg input", () => {
  test("a lavfi source is passed to ffmpeg's lavfi input whole", () => {
    expect(inputArgs(env("lavfi:testsrc=size=64x48:rate=1"))).toEqual(["-f", "lavfi", "-i", "testsrc=size=64x48:rate=1"]);
  });
  test("an existing device path is read with v4l2", () => {
    expect(inputArgs(env("/dev/null"))).toEqual(["-f", "v4l2", "-i", "/dev/null"]);
  });
  test("a missing device is a one-line not_found error that names where the device was set", () => {
    expect(() => inputArgs(env("/dev/video99"))).toThrow("camera: no camera at /dev/video99; connect one or set MOLTBOT_CAMERA_DEVICE (e.g. /dev/video1) to the right device");
    expect(() => inputArgs({ path: "/dev/video99", from: "config" })).toThrow(
      "camera: no camera at /dev/video99, set by camera.device in config.yaml (it takes precedence over MOLTBOT_CAMERA_DEVICE); connect one or change camera.device in config.yaml (e.g. /dev/video1) to the right device",
    );
    expect(() => inputArgs({ path: "/dev/video99", from: "default" })).toThrow(
      "camera: no camera at /dev/video99, the default device; connect one or set camera.device in config.yaml (or MOLTBOT_CAMERA_DEVICE) to the right device, e.g. /dev/video1",
    );
    try {
      inputArgs(env("/dev/video99"));
    } catch (e) {
      expect((e as { code: string }).code).toBe("not_found");
    }
  });
  test("something that is neither a path nor lavfi is a configuration error naming its setting", () => {
    expect(() => inputArgs(env("video0"))).toThrow("the device (MOLTBOT_CAMERA_DEVICE) must be a path like /dev/video0 or lavfi:<source>");
    expect(() => inputArgs({ path: "video0", from: "config" })).toThrow("the device (camera.device in config.yaml) must be a path");
    expect(() => inputArgs(env("lavfi:"))).toThrow("names no source");
  });
});
