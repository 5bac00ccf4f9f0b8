#!/usr/bin/env bash
# Runs once, on the first start of an empty data volume (after TimescaleDB's own 000_/001_ scripts):
# the schema registry keeps its artifacts in a database of its own, beside the projections.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE DATABASE apicurio OWNER "$POSTGRES_USER";
SQL
