import { describe, expect, it } from "vitest";
import {
  attachmentKind,
  baseName,
  bytesToBase64,
  extensionOf,
  fileToUpload,
  isActivityFile,
  pastedName,
  routeDroppedPaths,
} from "./attachments";

describe("bytesToBase64", () => {
  it("matches the standard alphabet with padding", () => {
    const enc = (s: string): string => bytesToBase64(new TextEncoder().encode(s));
    expect(enc("")).toBe("");
    expect(enc("f")).toBe("Zg==");
    expect(enc("fo")).toBe("Zm8=");
    expect(enc("foo")).toBe("Zm9v");
    expect(bytesToBase64(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe("/9j/4A==");
  });

  it("round-trips a file larger than one chunk, every byte value included", () => {
    const bytes = new Uint8Array(70_001);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) % 256;
    const back = Uint8Array.from(atob(bytesToBase64(bytes)), (c) => c.charCodeAt(0));
    expect(back.length).toBe(bytes.length);
    expect(back.every((b, i) => b === bytes[i])).toBe(true);
  });
});

describe("fileToUpload", () => {
  it("keeps the name and encodes the bytes", async () => {
    const file = new File([new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d])], "label.pdf", {
      type: "application/pdf",
    });
    expect(await fileToUpload(file)).toEqual({ name: "label.pdf", data_base64: "JVBERi0=" });
  });
});

describe("file kinds and drop routing", () => {
  it("reads extensions from names and paths on any OS", () => {
    expect(extensionOf("/home/a/Meal.JPG")).toBe("jpg");
    expect(extensionOf("C:\\Users\\a\\run.fit.gz")).toBe("gz");
    expect(extensionOf(".hidden")).toBe("");
    expect(extensionOf("noext")).toBe("");
    expect(baseName("C:\\Users\\a\\note.m4a")).toBe("note.m4a");
  });

  it("prefers the MIME type, falls back to the extension", () => {
    expect(attachmentKind("x.bin", "image/png")).toBe("image");
    expect(attachmentKind("memo.m4a")).toBe("voice");
    expect(attachmentKind("voice.ogg", "")).toBe("voice");
    expect(attachmentKind("label.PDF")).toBe("pdf");
    expect(attachmentKind("plate.webp")).toBe("image");
    expect(attachmentKind("notes.docx")).toBe("other");
  });

  it("leaves activity files to the activity import", () => {
    expect(isActivityFile("/tmp/ride.FIT")).toBe(true);
    expect(isActivityFile("export.zip")).toBe(true);
    expect(isActivityFile("meal.jpg")).toBe(false);
    const routed = routeDroppedPaths([
      "/tmp/meal.jpg",
      "/tmp/morning.gpx",
      "/tmp/voice.m4a",
      "/tmp/export.tcx",
      "/tmp/label.pdf",
      "/tmp/strava.zip",
      "/tmp/track.fit.gz",
      "/tmp/odd.txt",
      "/home/me/GARMIN/Activity",
    ]);
    // Folders and unknown files go to the activity import, which says what it cannot use.
    expect(routed.entry).toEqual(["/tmp/meal.jpg", "/tmp/voice.m4a", "/tmp/label.pdf"]);
    expect(routed.ignored).toEqual([
      "/tmp/morning.gpx",
      "/tmp/export.tcx",
      "/tmp/strava.zip",
      "/tmp/track.fit.gz",
      "/tmp/odd.txt",
      "/home/me/GARMIN/Activity",
    ]);
  });

  it("names pasted images apart", () => {
    expect(pastedName("image/png", 1)).toBe("pasted-image-1.png");
    expect(pastedName("image/jpeg", 2)).toBe("pasted-image-2.jpg");
  });
});
