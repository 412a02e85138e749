import { describe, expect, test } from "bun:test";
import { inputArgs } from "./camera-device.ts";

describe("camera device → ffmpeg input", () => {
  test("a lavfi source is passed to ffmpeg's lavfi input whole", () => {
    expect(inputArgs("lavfi:testsrc=size=64x48:rate=1")).toEqual(["-f", "lavfi", "-i", "testsrc=size=64x48:rate=1"]);
  });
  test("an existing device path is read with v4l2", () => {
    expect(inputArgs("/dev/null")).toEqual(["-f", "v4l2", "-i", "/dev/null"]);
  });
  test("a missing device is a one-line not_found error with a hint", () => {
    expect(() => inputArgs("/dev/video99")).toThrow("camera: no camera at /dev/video99; connect one or set MOLTBOT_CAMERA_DEVICE");
    try {
      inputArgs("/dev/video99");
    } catch (e) {
      expect((e as { code: string }).code).toBe("not_found");
    }
  });
  test("something that is neither a path nor lavfi is a configuration error", () => {
    expect(() => inputArgs("video0")).toThrow("the device must be a path like /dev/video0 or lavfi:<source>");
    expect(() => inputArgs("lavfi:")).toThrow("names no source");
  });
});
