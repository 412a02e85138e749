// camera_access through the real `moltbot skill run`, with ffmpeg's lavfi test source standing
// in for the webcam.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import sharp from "sharp";
import { ROOT, Sandbox } from "../helpers/cli.ts";

const SKILL = join(ROOT, "skills/builtin/camera_access");
const TEST_SOURCE = "lavfi:testsrc=size=1280x720:rate=1";
const sb = new Sandbox();
let policy: string;
let denying: string;
let audit: string;

beforeAll(() => {
  audit = join(sb.dir, "audit.jsonl");
  policy = sb.file("policy.yaml", "version: 1\nprompt: false\ntrust: { default: allow }\nskills:\n  camera_access: { allow: { camera: true } }\n");
  denying = sb.file("deny.yaml", "version: 1\nprompt: false\ntrust: { default: allow }\n");
});
afterAll(() => sb.cleanup());

const run = (params: unknown, device: string, policyFile = policy) =>
  sb.run(["skill", "run", SKILL, "--params", JSON.stringify(params), "--policy", policyFile, "--audit", audit, "--json"], { MOLTBOT_CAMERA_DEVICE: device });
const imageOf = (output: { attachments: { base64: string }[] }) => Buffer.from(output.attachments[0]!.base64, "base64");

describe("camera_access (CLI)", () => {
  test("takes a JPEG photo resized to the asked width, as an image attachment", async () => {
    const r = await run({ width: 320 }, TEST_SOURCE);
    expect(r.code).toBe(0);
    const { output } = JSON.parse(r.stdout);
    expect(output).toMatchObject({ width: 320, height: 180, mime: "image/jpeg" });
    expect(output.attachments[0]).toMatchObject({ kind: "image", mime: "image/jpeg", name: "photo.jpg" });
    const img = imageOf(output);
    expect([...img.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(await sharp(img).metadata()).toMatchObject({ format: "jpeg", width: 320, height: 180 });
    expect(output.summary).toContain("320×180 JPEG");
  });

  test("png at the camera's own size", async () => {
    const r = await run({ format: "png" }, TEST_SOURCE);
    expect(r.code).toBe(0);
    const { output } = JSON.parse(r.stdout);
    expect(await sharp(imageOf(output)).metadata()).toMatchObject({ format: "png", width: 1280, height: 720 });
  });

  test("no camera: a one-line error naming the device and how to set another", async () => {
    const r = await run({}, "/dev/video-moltbot-missing");
    expect(r.code).toBe(2);
    const { error } = JSON.parse(r.stdout);
    expect(error.code).toBe("not_found");
    expect(error.message).toBe("camera: no camera at /dev/video-moltbot-missing; connect one or set MOLTBOT_CAMERA_DEVICE (e.g. /dev/video1) to the right device");
  });

  test("without the camera grant the skill is denied (exit 3) and ffmpeg never runs", async () => {
    const r = await run({}, "/dev/video-moltbot-missing", denying);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: "permission_denied", message: expect.stringContaining("camera") });
  });

  test("a width outside 16..4096 is refused before any code runs", async () => {
    const r = await run({ width: 5 }, TEST_SOURCE);
    expect(r.code).toBe(2);
  });

  // A skill that misuses the API has a bug of its own: the call ends as skill_error (exit 1).
  test("camera.capture with options that are not an object is an error, not a silent JPEG", async () => {
    const dir = sb.skill("snap", { permissions: { camera: true } }, { "main.js": `export default () => camera.capture("png")` });
    const p = sb.file("snap.yaml", "version: 1\nprompt: false\ntrust: { default: allow }\nskills:\n  snap: { allow: { camera: true } }\n");
    const r = await sb.run(["skill", "run", dir, "--policy", p, "--audit", audit, "--json"], { MOLTBOT_CAMERA_DEVICE: TEST_SOURCE });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: "invalid_params", message: expect.stringContaining('pass options as an object, e.g. { format: "png"') });
  });
});
