/**
 * How the tracing SDK, when one was started (register.ts), is shut down: kept apart from the SDK
 * itself so that what stops a service does not load it into processes that never trace.
 */
let shutdown: (() => Promise<void>) | undefined;

export function setTracingShutdown(stop: () => Promise<void>): void {
  shutdown = stop;
}

/** Flushes the spans not yet exported and stops the SDK; nothing when none was started. */
export async function shutdownTracing(): Promise<void> {
  await shutdown?.().catch(() => {});
}
