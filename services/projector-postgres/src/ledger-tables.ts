/** The ledger read model's tables, which readers read through the views of schema `ledger`. */
export const ledgerTables = ['wallets', 'wallet_entries', 'transfers'];

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
-- A transfer's entries (its debit, its credit, or the money returned) carry its id.
ALTER TABLE wallet_entries ADD COLUMN IF NOT EXISTS transfer_id uuid;
CREATE INDEX IF NOT EXISTS wallet_entries_transfer ON wallet_entries (transfer_id) WHERE transfer_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS transfers (
  transfer_id           uuid        PRIMARY KEY,
  tenant_id             text        NOT NULL,
  source_wallet_id      uuid        NOT NULL,
  destination_wallet_id uuid        NOT NULL,
  amount_minor          bigint      NOT NULL CHECK (amount_minor > 0),
  currency              char(3)     NOT NULL,
  reference             text        NOT NULL,
  status                text        NOT NULL CHECK (status IN ('requested', 'settled', 'rejected')),
  reason                text,
  requested_at          timestamptz NOT NULL,
  ended_at              timestamptz
);
`;
