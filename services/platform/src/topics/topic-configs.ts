/**
 * The topic-level Kafka configs a spec may set, with how each value is checked. A key outside
 * this list is refused, so a typo (`retention.msec`) fails the spec instead of being ignored.
 */

type ValueRule = { kind: 'integer'; min: number } | { kind: 'boolean' } | { kind: 'number' } | { kind: 'choice'; choices: readonly string[] } | { kind: 'policy' } | { kind: 'text' };

const integer = (min = 0): ValueRule => ({ kind: 'integer', min });

export const topicConfigRules: Readonly<Record<string, ValueRule>> = {
  'cleanup.policy': { kind: 'policy' },
  'compression.type': { kind: 'choice', choices: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] },
  'compression.gzip.level': integer(-1),
  'compression.lz4.level': integer(1),
  'compression.zstd.level': integer(-131_072),
  'delete.retention.ms': integer(0),
  'file.delete.delay.ms': integer(0),
  'flush.messages': integer(1),
  'flush.ms': integer(0),
  'index.interval.bytes': integer(0),
  'local.retention.bytes': integer(-2),
  'local.retention.ms': integer(-2),
  'max.compaction.lag.ms': integer(1),
  'max.message.bytes': integer(0),
  'message.timestamp.after.max.ms': integer(0),
  'message.timestamp.before.max.ms': integer(0),
  'message.timestamp.type': { kind: 'choice', choices: ['CreateTime', 'LogAppendTime'] },
  'min.cleanable.dirty.ratio': { kind: 'number' },
  'min.compaction.lag.ms': integer(0),
  'min.insync.replicas': integer(1),
  preallocate: { kind: 'boolean' },
  'remote.storage.enable': { kind: 'boolean' },
  'retention.bytes': integer(-1),
  'retention.ms': integer(-1),
  'segment.bytes': integer(14),
  'segment.index.bytes': integer(4),
  'segment.jitter.ms': integer(0),
  'segment.ms': integer(1),
  'unclean.leader.election.enable': { kind: 'boolean' },
  'follower.replication.throttled.replicas': { kind: 'text' },
  'leader.replication.throttled.replicas': { kind: 'text' },
};

/** `compact,delete` and `delete, compact` are the same policy. */
export function normalisePolicy(value: string): string {
  return [...new Set(value.split(',').map((part) => part.trim()).filter(Boolean))].sort().join(',');
}

/**
 * The value as Kafka stores it (a string), or a message saying why it is not acceptable.
 * YAML numbers and booleans are accepted and turned into strings.
 */
export function checkTopicConfig(key: string, raw: unknown): { value: string } | { problem: string } {
  const rule = topicConfigRules[key];
  if (!rule) return { problem: 'is not a topic config Thalweg knows (see topic-configs.ts)' };
  if (raw === null || (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean')) {
    return { problem: `expected a scalar value, got ${JSON.stringify(raw)}` };
  }
  const value = String(raw).trim();
  switch (rule.kind) {
    case 'integer':
      if (!/^-?\d+$/.test(value)) return { problem: `expected an integer, got "${value}"` };
      if (Number(value) < rule.min) return { problem: `expected at least ${rule.min}, got ${value}` };
      return { value };
    case 'number':
      return Number.isFinite(Number(value)) && value !== '' ? { value } : { problem: `expected a number, got "${value}"` };
    case 'boolean':
      return value === 'true' || value === 'false' ? { value } : { problem: `expected true or false, got "${value}"` };
    case 'choice':
      return rule.choices.includes(value) ? { value } : { problem: `expected one of ${rule.choices.join(', ')}, got "${value}"` };
    case 'policy': {
      const parts = value.split(',').map((part) => part.trim());
      if (parts.length === 0 || parts.some((part) => part !== 'delete' && part !== 'compact')) {
        return { problem: `expected delete, compact or "compact,delete", got "${value}"` };
      }
      return { value: normalisePolicy(value) };
    }
    default:
      return { value };
  }
}
