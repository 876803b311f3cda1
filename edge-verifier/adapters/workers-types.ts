/**
 * The slice of the Workers runtime API the verifier uses, typed structurally. The full
 * @cloudflare/workers-types globals clash with the DOM/Node libs the rest of the repo compiles
 * against, so the Workers entry is typed through these instead.
 */
export interface SqlCursor {
  toArray(): Record<string, unknown>[];
}
export interface DurableObjectStateLike {
  storage: {
    sql: { exec(query: string, ...bindings: unknown[]): SqlCursor };
    transactionSync<T>(fn: () => T): T;
    getAlarm(): Promise<number | null>;
    setAlarm(at: number): Promise<void>;
  };
}
export interface DurableObjectIdLike {
  toString(): string;
}
export interface DurableObjectNamespaceLike<Stub> {
  idFromName(name: string): DurableObjectIdLike;
  get(id: DurableObjectIdLike): Stub;
}
export interface ExecutionContextLike {
  waitUntil(p: Promise<unknown>): void;
}
