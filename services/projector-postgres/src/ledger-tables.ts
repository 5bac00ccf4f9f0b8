/** The ledger read model. Created at start-up; every statement is safe to run again. */
export const ledgerTablesDdl = `
CREATE TABLE IF NOT EXISTS wallets (
  wallet_id     uuid        PRIMARY KEY,
  tenant_id     text        NOT NULL,
  owner_id      text        NOT NULL,
  currency      char(3)     NOT NULL,
  balance_minor bigint      NOT NULL DEFAULT 0 CHECK (balance_minor >= 0),
  version       bigint      NOT NULL,
  opened_at     timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS wallets_tenant_owner ON wallets (tenant_id, owner_id);

CREATE TABLE IF NOT EXISTS wallet_entries (
  entry_id            uuid        PRIMARY KEY,
  wallet_id           uuid        NOT NULL REFERENCES wallets (wallet_id),
  tenant_id           text        NOT NULL,
  wallet_version      bigint      NOT NULL,
  direction           text        NOT NULL CHECK (direction IN ('credit', 'debit')),
  amount_minor        bigint      NOT NULL CHECK (amount_minor > 0),
  currency            char(3)     NOT NULL,
  balance_after_minor bigint      NOT NULL,
  reference           text        NOT NULL,
  occurred_at         timestamptz NOT NULL,
  event_id            text        NOT NULL,
  source_topic        text        NOT NULL,
  source_partition    integer     NOT NULL,
  source_offset       bigint      NOT NULL,
  UNIQUE (wallet_id, wallet_version)
);
`;
