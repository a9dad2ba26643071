// Files attached to a quick entry: what kind they are, where a dropped file
// goes, and how a picked or pasted file travels to the core (base64).
// The core checks every file's bytes again; these helpers only route and label.

import type { Upload } from "./bindings";

/** What the file picker offers (the core also takes what it can sniff). */
export const ACCEPT = "image/jpeg,image/png,image/webp,audio/*,application/pdf";

export type AttachmentKind = "image" | "voice" | "pdf" | "other";

const IMAGE_EXT = ["jpg", "jpeg", "png", "webp"];
const VOICE_EXT = ["wav", "mp3", "m4a", "ogg", "oga", "opus", "aac", "mp4"];
const PDF_EXT = ["pdf"];
/** Activity files another listener imports; quick entry ignores them. */
const ACTIVITY_EXT = ["fit", "gpx", "tcx", "zip", "gz"];

/** The lower-case extension of a file name or path, without the dot ("" if none). */
export function extensionOf(nameOrPath: string): string {
  const base = baseName(nameOrPath);
  const dot = base.lastIndexOf(".");
  return dot <= 0 ? "" : base.slice(dot + 1).toLowerCase();
}

/** The last component of a path, whichever separator the OS uses. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
}

/** A file's kind from its MIME type when the browser knows it, else its extension. */
export function attachmentKind(name: string, mime = ""): AttachmentKind {
  if (mime.startsWith("image/")) return "image";
  if (mime.startsWith("audio/")) return "voice";
  if (mime === "application/pdf") return "pdf";
  const ext = extensionOf(name);
  if (IMAGE_EXT.includes(ext)) return "image";
  if (VOICE_EXT.includes(ext)) return "voice";
  if (PDF_EXT.includes(ext)) return "pdf";
  return "other";
}

export function isActivityFile(nameOrPath: string): boolean {
  return ACTIVITY_EXT.includes(extensionOf(nameOrPath));
}

/**
 * Splits the paths of a native drop: photos, voice notes and PDFs are
 * attached to the quick entry; everything else (activity files, export ZIPs,
 * folders) belongs to the activity import, which names what it cannot use.
 */
export function routeDroppedPaths(paths: string[]): { entry: string[]; ignored: string[] } {
  const entry: string[] = [];
  const ignored: string[] = [];
  for (const p of paths) (attachmentKind(p) === "other" ? ignored : entry).push(p);
  return { entry, ignored };
}

export function kindLabel(kind: AttachmentKind): string {
  switch (kind) {
    case "image":
      return "Photo";
    case "voice":
      return "Voice note";
    case "pdf":
      return "PDF";
    case "other":
      return "File";
  }
}

/** Bytes as standard base64 (with padding), in chunks so large photos don't overflow the stack. */
export function bytesToBase64(bytes: Uint8Array): string {
  const CHUNK = 0x8000;
  let binary = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/** A picked or pasted file as the core's `Upload`. */
export async function fileToUpload(file: Blob & { name: string }): Promise<Upload> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return { name: file.name, data_base64: bytesToBase64(bytes) };
}

/** Pasted images arrive as "image.png"; give each its own name so chips tell them apart. */
export function pastedName(mime: string, n: number): string {
  const ext = mime === "image/jpeg" ? "jpg" : (mime.split("/")[1] ?? "png");
  return `pasted-image-${n}.${ext}`;
}

/** "1.2 MB", "640 KB". */
export function formatBytes(n: number): string {
  if (n >= 1_048_576) return `${(n / 1_048_576).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(n / 1024))} KB`;
}
