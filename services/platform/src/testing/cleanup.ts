import type { TestContext } from 'node:test';

const stacks = new WeakMap<TestContext, Array<() => unknown>>();

/**
 * Registers cleanup at creation, run last-in first-out when the test ends (node:test runs
 * `t.after` hooks in registration order, which would drop a database or disconnect an admin
 * before the projector using them has stopped). Every step runs; failures are reported together.
 */
export function onCleanup(t: TestContext, step: () => unknown): void {
  let stack = stacks.get(t);
  if (!stack) {
    const steps: Array<() => unknown> = [];
    stacks.set(t, steps);
    stack = steps;
    t.after(async () => {
      const errors: unknown[] = [];
      while (steps.length > 0) {
        try {
          await steps.pop()!();
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length > 0) throw new AggregateError(errors, 'cleanup failed');
    });
  }
  stack.push(step);
}
