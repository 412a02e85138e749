// camera_access: one still from the camera, returned as an attachment a channel can send.
export default async ({ format = "jpeg", width }) => {
  const photo = await camera.capture({ format, width });
  const name = `photo.${format === "png" ? "png" : "jpg"}`;
  return {
    summary: `Took a photo (${photo.width}×${photo.height} ${format.toUpperCase()}, ${photo.bytes} bytes)`,
    width: photo.width,
    height: photo.height,
    mime: photo.mime,
    bytes: photo.bytes,
    attachments: [{ kind: "image", mime: photo.mime, name, base64: photo.base64 }],
  };
};
