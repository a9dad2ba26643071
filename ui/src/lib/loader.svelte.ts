import { ApiError } from "./errors";
import { toApiError } from "./errors";

/**
 * Loads one piece of page data. Keeps the last good data while reloading (so
 * a refresh after a quick entry doesn't flash), and ignores stale answers.
 */
export class Loader<T> {
  data = $state<T | null>(null);
  error = $state<ApiError | null>(null);
  loading = $state(false);

  #seq = 0;
  readonly #fetch: () => Promise<T>;

  constructor(fetch: () => Promise<T>) {
    this.#fetch = fetch;
  }

  async load(): Promise<void> {
    const seq = ++this.#seq;
    this.loading = true;
    try {
      const data = await this.#fetch();
      if (seq !== this.#seq) return;
      this.data = data;
      this.error = null;
    } catch (e) {
      if (seq !== this.#seq) return;
      this.error = toApiError(e);
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }
}
