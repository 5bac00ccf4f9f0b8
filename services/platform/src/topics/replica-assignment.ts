/**
 * New replica lists for a replication factor change, keeping every current replica that stays
 * (so the data already there is reused) and spreading added replicas round-robin by partition.
 */
export function reassignReplicas({ assignments, brokers, replicationFactor }: { assignments: number[][]; brokers: number[]; replicationFactor: number }): number[][] {
  if (replicationFactor < 1 || replicationFactor > brokers.length) {
    throw new Error(`reassignReplicas: replication factor ${replicationFactor} needs 1..${brokers.length} brokers`);
  }
  const sorted = [...brokers].sort((a, b) => a - b);
  return assignments.map((replicas, partition) => {
    if (replicas.length >= replicationFactor) return replicas.slice(0, replicationFactor);
    const next = [...replicas];
    for (let step = 0; next.length < replicationFactor && step < sorted.length; step++) {
      const broker = sorted[(partition + step) % sorted.length]!;
      if (!next.includes(broker)) next.push(broker);
    }
    return next;
  });
}
