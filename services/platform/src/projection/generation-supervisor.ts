import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../telemetry/index.ts';
import type { ProjectorStatus } from './consumer-runtime.ts';

/** What the supervisor needs of a generation, whatever store keeps it. */
export interface SupervisedGeneration {
  generation: number;
  group: string;
  state: 'building' | 'live' | 'retired';
}

/** What the supervisor runs for a generation: a projector's life cycle. */
export interface RunningProjector {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): ProjectorStatus;
}

export interface GenerationSource<G extends SupervisedGeneration> {
  list(): Promise<G[]>;
}

export type GenerationRole = 'live' | 'building';

interface Running<G> {
  generation: G;
  role: GenerationRole;
  projector: RunningProjector;
}

/**
 * Runs a projection's live generation and, while a rebuild is under way, the generation being
 * built, each with its own projector (own consumer group, own schema). It polls the generations:
 * a new building generation is started; once it has been swapped in, its projector is restarted
 * as the live one (a live projector also takes the replays of its retry topics) and the previous
 * live one stops; a building generation that was dropped stops. Every instance of the service
 * does the same, so the generations' partitions are shared out as any group's are.
 */
export function superviseGenerations<G extends SupervisedGeneration>({
  generations,
  projectorFor,
  logger,
  interval = 2_000, // ms
}: {
  generations: GenerationSource<G>;
  projectorFor: (generation: G, role: GenerationRole) => Promise<RunningProjector>;
  logger: Logger;
  interval?: number;
}) {
  const log = logger.child({ component: 'generations' });
  let live: Running<G> | undefined;
  let building: Running<G> | undefined;
  let polling: Promise<void> | undefined;
  const stopping = new AbortController();

  async function run(generation: G, role: GenerationRole): Promise<Running<G>> {
    const projector = await projectorFor(generation, role);
    await projector.start();
    log.info(role === 'live' ? 'live generation running' : 'building generation running', { generation: generation.generation, group: generation.group });
    return { generation, role, projector };
  }

  async function reconcile() {
    const all = await generations.list();
    const liveRow = all.find((entry) => entry.state === 'live');
    const buildingRow = all.find((entry) => entry.state === 'building');
    if (building && buildingRow?.generation !== building.generation.generation) {
      // Swapped in (restarted below as the live one) or dropped: either way its building run ends.
      await building.projector.stop();
      building = undefined;
    }
    if (liveRow && liveRow.generation !== live?.generation.generation) {
      const previous = live;
      live = await run(liveRow, 'live');
      if (previous) {
        await previous.projector.stop();
        log.info('previous generation stopped', { generation: previous.generation.generation });
      }
    }
    if (buildingRow && !building) building = await run(buildingRow, 'building');
  }

  async function poll() {
    while (!stopping.signal.aborted) {
      const waited = await delay(interval, true, { ref: false, signal: stopping.signal }).catch(() => false);
      if (!waited) return;
      await reconcile().catch((error: unknown) => log.warn('could not read or switch the generations; trying again', { error }));
    }
  }

  return {
    async start() {
      await reconcile();
      if (!live) throw new Error('superviseGenerations: the projection has no live generation');
      polling = poll();
    },
    async stop() {
      stopping.abort();
      await polling;
      await building?.projector.stop();
      await live?.projector.stop();
    },
    /** The live generation's projector: it is what readers read, so it is what readiness is about. */
    status(): ProjectorStatus {
      if (!live) return { running: false, assigned: [], joins: 0, retrying: [], stopped: [] };
      return live.projector.status();
    },
  };
}
