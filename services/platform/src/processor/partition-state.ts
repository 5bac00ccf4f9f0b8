/** The state a handler reads and changes: one partition's keys and their JSON values. */
export interface StateView {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

/** A change to write to the changelog: a value, or `null` for a deleted key (a tombstone). */
export type StateChange = [key: string, value: unknown];

const DELETED = Symbol('deleted');
const ABSENT = Symbol('absent');

/** The changes of one batch: discarded whole when its Kafka transaction aborts. */
export interface StateTransaction {
  readonly view: StateView;
  /** A mark the changes can be rolled back to, so one rejected record leaves the others' changes. */
  savepoint(): number;
  rollbackTo(savepoint: number): void;
  /** Every key changed since the transaction began, with its last value. */
  changes(): StateChange[];
  /** Makes the changes the partition's state: call once the Kafka transaction has committed. */
  commit(): void;
  /** Drops the changes: the Kafka transaction aborted, or may not have committed. */
  abort(): void;
}

/**
 * One partition's state in memory: what its changelog holds once restored, and the changes of the
 * batch in progress kept apart until that batch's transaction commits. Values are plain JSON, as
 * the changelog stores them.
 */
export function createPartitionState() {
  const committed = new Map<string, unknown>();
  let open = false;

  return {
    /** Applies a changelog record while restoring. */
    restore(key: string, value: unknown): void {
      if (value === null || value === undefined) committed.delete(key);
      else committed.set(key, value);
    },
    clear(): void {
      committed.clear();
    },
    get size(): number {
      return committed.size;
    },
    /** Reads the committed state (outside a batch). */
    get<T>(key: string): T | undefined {
      return committed.get(key) as T | undefined;
    },
    begin(): StateTransaction {
      if (open) throw new Error('partition state: a transaction is already open');
      open = true;
      const overlay = new Map<string, unknown>();
      // Each entry undoes one write: the key and what the overlay held before it.
      const journal: Array<[string, unknown]> = [];
      const read = (key: string) => {
        const value = overlay.has(key) ? overlay.get(key) : committed.get(key);
        return value === DELETED ? undefined : value;
      };
      const write = (key: string, value: unknown) => {
        journal.push([key, overlay.has(key) ? overlay.get(key) : ABSENT]);
        overlay.set(key, value);
      };
      const ensureOpen = () => {
        if (!open) throw new Error('partition state: the transaction has ended');
      };
      return {
        view: {
          get: <T>(key: string) => read(key) as T | undefined,
          set: (key, value) => {
            ensureOpen();
            if (value === undefined || value === null) throw new Error(`partition state: ${key} set to ${String(value)}; delete it instead`);
            write(key, value);
          },
          delete: (key) => {
            ensureOpen();
            write(key, DELETED);
          },
        },
        savepoint: () => journal.length,
        rollbackTo(savepoint) {
          while (journal.length > savepoint) {
            const [key, previous] = journal.pop()!;
            if (previous === ABSENT) overlay.delete(key);
            else overlay.set(key, previous);
          }
        },
        changes: () => [...overlay].map(([key, value]): StateChange => [key, value === DELETED ? null : value]),
        commit() {
          ensureOpen();
          for (const [key, value] of overlay) {
            if (value === DELETED) committed.delete(key);
            else committed.set(key, value);
          }
          open = false;
        },
        abort() {
          open = false;
        },
      } satisfies StateTransaction;
    },
  };
}

export type PartitionState = ReturnType<typeof createPartitionState>;
