import type { FilterExpression } from './filter-grammar.ts';

/** A piece of SQL and the values of its $n parameters. */
export interface SqlFragment {
  text: string;
  values: unknown[];
}

/** Quotes an identifier for PostgreSQL (names come from the collection schema, never from a client). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Compiles a checked FilterExpression to a WHERE fragment. Every value travels as a parameter
 * numbered from `firstParameter`, so no client text is ever part of the SQL string; `=` compares
 * whole values (no LIKE), so `%` and `_` mean themselves.
 */
export function sqlFilter(expression: FilterExpression, { firstParameter = 1 } = {}): SqlFragment {
  const values: unknown[] = [];
  const parameter = (value: unknown) => {
    values.push(value);
    return `$${firstParameter + values.length - 1}`;
  };
  const conditions = expression.clauses.map((clause) =>
    clause.operator === 'in'
      ? `${quoteIdentifier(clause.field)} = ANY(${parameter(clause.values)})`
      : `${quoteIdentifier(clause.field)} ${clause.operator === '!=' ? '<>' : clause.operator} ${parameter(clause.value)}`,
  );
  return { text: conditions.length === 0 ? 'TRUE' : conditions.join(' AND '), values };
}
