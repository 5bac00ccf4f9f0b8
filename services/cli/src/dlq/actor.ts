import { userInfo } from 'node:os';
import type { CliContext } from '../cli-context.ts';
import type { Actor } from './dlq-actions.ts';

/** Who runs this command: the Kafka principal it acts as, and the operating-system user. */
export function currentActor(context: CliContext): Actor {
  let user = context.io.env.USER ?? context.io.env.LOGNAME ?? '';
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      user = 'unknown';
    }
  }
  return { principal: context.kafkaSasl()?.username ?? 'anonymous', user };
}
