// The window's colours: follow the OS (prefers-color-scheme) or force one.
// app.css keys its dark palette on this attribute and the media query.

import type { Theme } from "./bindings";

export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  if (theme === "system") delete root.dataset.theme;
  else root.dataset.theme = theme;
}
