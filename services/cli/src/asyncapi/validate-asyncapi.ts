import { DiagnosticSeverity, Parser, type Diagnostic } from '@asyncapi/parser';
import type { JsonObject } from './json-document.ts';

export interface AsyncApiProblem {
  severity: 'error' | 'warning' | 'information' | 'hint';
  /** Where in the document, its path joined by dots (`channels.ledger.wallets.v1.bindings`). */
  path: string;
  message: string;
}

const severities: Record<DiagnosticSeverity, AsyncApiProblem['severity']> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'information',
  [DiagnosticSeverity.Hint]: 'hint',
};

function problem(diagnostic: Diagnostic): AsyncApiProblem {
  return { severity: severities[diagnostic.severity], path: diagnostic.path.join('.') || '(document)', message: diagnostic.message };
}

/**
 * Validates a document with the AsyncAPI parser and its recommended rules: the 3.0.0 schema
 * (which checks Avro payloads against the Avro 1.9 schema and bindings against theirs), the
 * references, and the operations' messages. Every diagnostic, errors first.
 */
export async function validateAsyncApi(document: JsonObject | string): Promise<AsyncApiProblem[]> {
  const diagnostics = await new Parser().validate(document as Parameters<Parser['validate']>[0]);
  return [...diagnostics].sort((a, b) => a.severity - b.severity).map(problem);
}
