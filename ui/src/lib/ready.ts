// The start-up marker: the first page with real data tells the shell once
// (the cold-start benchmark waits for it; the shell logs it).

import { api } from "./api";

let reported = false;

export function markReady(page: string): void {
  if (reported) return;
  reported = true;
  // After the browser has painted the page, not merely built it.
  requestAnimationFrame(() => {
    setTimeout(() => {
      api.windowReady(page).catch(() => {
        /* outside the app (preview) there is no shell to tell */
      });
    }, 0);
  });
}
