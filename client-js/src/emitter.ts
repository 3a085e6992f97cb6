/**
 * A minimal untyped event emitter (the typed façade is `Socket`).
 *
 * Why this module exists: the browser build may not rely on `Map` or on Node's EventEmitter,
 * and a listener that throws must not break the session that is delivering packets: its
 * exception is rethrown asynchronously (so it still shows up in the console or the process's
 * uncaught-exception handler) and the remaining listeners run.
 */

/** A listener with any arguments. */
export type AnyListener = (...args: unknown[]) => void;

interface Entry {
  fn: AnyListener;
  once: boolean;
}

export class Emitter {
  private readonly lists: { [name: string]: Entry[] } = Object.create(null) as { [name: string]: Entry[] };

  constructor(private readonly rethrow: (e: unknown) => void) {}

  on(name: string, fn: AnyListener, once = false): void {
    const list = this.lists[name] || (this.lists[name] = []);
    list.push({ fn, once });
  }

  /** Removes `fn` (every registration of it), or every listener of `name` without `fn`. */
  off(name: string, fn?: AnyListener): void {
    const list = this.lists[name];
    if (!list) return;
    if (!fn) {
      delete this.lists[name];
      return;
    }
    const kept: Entry[] = [];
    for (let i = 0; i < list.length; i++) if (list[i].fn !== fn) kept.push(list[i]);
    if (kept.length) this.lists[name] = kept;
    else delete this.lists[name];
  }

  /** Removes every listener of every event. */
  clear(): void {
    for (const name in this.lists) delete this.lists[name];
  }

  count(name: string): number {
    const list = this.lists[name];
    return list ? list.length : 0;
  }

  /** Calls the listeners of `name` with `args`; returns whether there was any. */
  emit(name: string, args: unknown[]): boolean {
    const list = this.lists[name];
    if (!list || !list.length) return false;
    const snapshot = list.slice();
    for (let i = 0; i < snapshot.length; i++) {
      const e = snapshot[i];
      if (e.once) this.removeEntry(name, e);
      try {
        e.fn.apply(null, args);
      } catch (err) {
        this.rethrow(err);
      }
    }
    return true;
  }

  private removeEntry(name: string, entry: Entry): void {
    const list = this.lists[name];
    if (!list) return;
    const i = list.indexOf(entry);
    if (i >= 0) list.splice(i, 1);
    if (!list.length) delete this.lists[name];
  }
}
