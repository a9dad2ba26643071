import { href, parseHash, type PageId, type Route } from "./router";

/** The current route, kept in sync with location.hash. */
export const route = $state<{ current: Route }>({ current: parseHash(window.location.hash) });

window.addEventListener("hashchange", () => {
  route.current = parseHash(window.location.hash);
});

export function navigate(page: PageId): void {
  const target = href(page);
  if (window.location.hash === target) {
    route.current = parseHash(target);
  } else {
    window.location.hash = target;
  }
}
