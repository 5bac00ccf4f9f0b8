import { shutdownTracing, type Logger } from '../telemetry/index.ts';

export interface RunningService {
  stop(): Promise<void>;
}

/**
 * Starts a service and stops it cleanly on SIGTERM/SIGINT: the stop function finishes in-flight
 * work (a projector its batch, an API its requests) before the process exits. A second signal,
 * or a stop that outlasts `stopTimeout`, exits at once.
 */
export async function runService(name: string, logger: Logger, start: () => Promise<RunningService>, { stopTimeout = 25_000 } = {}): Promise<void> {
  let service: RunningService;
  try {
    service = await start();
  } catch (error) {
    logger.error(`${name} failed to start`, { error });
    process.exitCode = 1;
    await shutdownTracing();
    return;
  }
  logger.info(`${name} started`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn(`${name}: second ${signal}, exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${name} stopping`, { signal });
    const timer = setTimeout(() => {
      logger.error(`${name}: stop took longer than ${stopTimeout} ms, exiting`);
      process.exit(1);
    }, stopTimeout);
    timer.unref();
    try {
      await service.stop();
      logger.info(`${name} stopped`);
      // The last spans (the stop's own included) are exported before the process ends.
      await shutdownTracing();
      process.exit(0);
    } catch (error) {
      logger.error(`${name}: error while stopping`, { error });
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
