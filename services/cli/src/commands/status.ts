import { setTimeout as delay } from 'node:timers/promises';
import { loadTopicSpecs } from '@thalweg/platform/topics';
import { processIo, type CliContext } from '../cli-context.ts';
import { formatStackStatus } from '../operations/format-stack-status.ts';
import { settingReader } from '../operations/setting-reader.ts';
import { readStackStatus } from '../operations/stack-status.ts';
import { UsageError } from '../usage-error.ts';
import { commandUsage } from '../usage.ts';

/** ANSI: clear the screen and move the cursor home, so a watched status redraws in place. */
const CLEAR_SCREEN = '\x1b[2J\x1b[H';

function watchSeconds(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 3_600) throw new UsageError(`--watch expects seconds between 1 and 3600, got "${raw}"`, commandUsage.status!);
  return seconds;
}

/**
 * `thalweg status [--watch [seconds]] [--json]`: the stack's components, the services' readiness
 * and every declared consumer group's lag, on one screen. Exit 1 when something is down or not ready.
 */
export async function status(context: CliContext): Promise<number> {
  const { io, options } = context;
  const seconds = watchSeconds(options.watch);
  const specs = loadTopicSpecs({ root: context.topicsDir });
  const look = () => readStackStatus({ read: settingReader(io.env), env: io.env, brokers: context.brokers(), sasl: context.kafkaSasl(), specs });
  if (seconds === undefined) {
    const current = await look();
    io.out(options.json ? JSON.stringify(current, null, 2) : formatStackStatus(current).join('\n'));
    return current.healthy ? 0 : 1;
  }
  // Until interrupted (Ctrl-C). On a terminal the screen is redrawn; piped, each look follows the
  // last (one JSON document per line with --json), so a log of it reads in order.
  const terminal = process.stdout.isTTY === true && io === processIo;
  for (;;) {
    const current = await look();
    if (options.json) io.out(JSON.stringify(current));
    else io.out(`${terminal ? CLEAR_SCREEN : ''}${formatStackStatus(current).join('\n')}\n\n(refreshing every ${seconds} s; Ctrl-C to stop)`);
    await delay(seconds * 1_000);
  }
}
