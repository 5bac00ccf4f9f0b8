import type { DomainEvent, PublishResult } from '../events/index.ts';
import type { ProjectedEvent } from '../projection/index.ts';
import type { StateView } from './partition-state.ts';

/** What one input record is decided into. */
export interface Decision {
  /** Written first, in order. */
  events: DomainEvent[];
  /**
   * Called once `events` are written (inside the same transaction) with their positions: may
   * change the state, and returns the events written after them, such as an outcome that names
   * where the decision's events landed.
   */
  then?(positions: PublishResult[], state: StateView): DomainEvent[];
  /** What the decision was, for the metrics: a command accepted, or rejected and why. */
  outcome?: { accepted: true } | { accepted: false; reason: string };
}

/**
 * Decides one input record against its partition's state. It must be deterministic: the same
 * record and state give the same decision. Throwing rejects the record: it is dead-lettered and
 * its state changes are rolled back.
 */
export type ProcessorHandler = (input: ProjectedEvent, state: StateView) => Decision;
