import { consistencyTokenSettings, httpSettings, integer, kafkaSettings, logSettings, rateLimitSettings, readConfig, redisSettings, securitySettings } from '@thalweg/platform/config';

/** Read once at start-up; a wrong or unknown THALWEG_ variable stops the service with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return readConfig(
    {
      ...httpSettings(4001),
      ...kafkaSettings,
      ...redisSettings,
      ...securitySettings,
      ...consistencyTokenSettings,
      ...rateLimitSettings,
      ...logSettings,
      idempotencyTtl: integer('THALWEG_IDEMPOTENCY_TTL_SECONDS', { default: 86_400, min: 60, description: "How long an Idempotency-Key answer, and a command's status, is kept (s)" }),
      waitMax: integer('THALWEG_COMMAND_WAIT_MAX_SECONDS', { default: 30, min: 1, max: 300, description: 'The longest Prefer: wait=N a command or GET /v1/commands/{id} honours (s)' }),
    },
    env,
  );
}

export type CommandApiConfig = ReturnType<typeof loadConfig>;
