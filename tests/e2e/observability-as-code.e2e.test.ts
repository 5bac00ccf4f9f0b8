import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { startWalletServices } from './wallet-services.ts';

// Every metric the dashboards chart and the alert rules watch is one a running service exports: a
// renamed metric, or a panel written against another exporter's names, fails here instead of
// showing an empty panel or an alert that can never fire. The names are read from the PromQL of
// observability/grafana/dashboards/*.json and observability/prometheus/rules/*.yml, and looked up
// in the `# TYPE` lines of the live services' /metrics (prom-client prints one for every
// registered family, before its first sample too).

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dashboardsDir = join(repoRoot, 'observability/grafana/dashboards');
const rulesDir = join(repoRoot, 'observability/prometheus/rules');

/** Names no Thalweg service exports, each with the reason it may still be queried. */
const notFromServices = new Map<string, string>([
  ['up', "Prometheus's own per-target series: the scrape health of each service"],
  ['kafka_consumergroup_lag', "kafka-exporter's, which compose runs and the native stack does not"],
]);

// ---------------------------------------------------------------------------------------------
// PromQL: the metric names an expression selects
// ---------------------------------------------------------------------------------------------

/** Aggregation operators: the only names that may be followed by something else than `(` (`sum by (le) (...)`). */
const aggregations = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);
/** Followed by a parenthesised list of label names. */
const grouping = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const keywords = new Set(['and', 'or', 'unless', 'atan2', 'offset', 'bool', 'inf', 'nan']);

/**
 * The metric names a PromQL expression selects: identifiers that are neither functions (followed
 * by `(`), aggregations, keywords, label names (inside `{...}` or a grouping list) nor numbers,
 * ranges (`[5m]`, `[1h:5m]`) or Grafana variables (`$__rate_interval`). Inside braces, a `__name__="..."` matcher
 * or a quoted name (`{"metric.name"}`) names a metric too; a name given by a regex cannot be
 * checked and is refused.
 */
export function metricNames(expr: string): Set<string> {
  const names = new Set<string>();
  let at = 0;
  const peek = () => expr[at] ?? '';
  const skipSpace = () => {
    while (/\s/.test(peek())) at += 1;
  };
  const readString = (): string => {
    const quote = expr[at]!;
    let value = '';
    at += 1;
    while (at < expr.length && expr[at] !== quote) {
      if (expr[at] === '\\' && quote !== '`') at += 1;
      value += expr[at] ?? '';
      at += 1;
    }
    at += 1;
    return value;
  };
  const readWhile = (pattern: RegExp): string => {
    const start = at;
    while (at < expr.length && pattern.test(expr[at]!)) at += 1;
    return expr.slice(start, at);
  };
  /** From `{` to its `}`: label matchers, with the metric names they may hold. */
  const readMatchers = () => {
    at += 1;
    let previous = '{';
    while (at < expr.length && peek() !== '}') {
      const char = peek();
      if (/\s/.test(char)) at += 1;
      else if (char === '"' || char === "'" || char === '`') {
        const value = readString();
        skipSpace();
        // A string standing alone between `{`/`,` and `,`/`}` is a quoted metric name.
        if ((previous === '{' || previous === ',') && (peek() === ',' || peek() === '}')) names.add(value);
        previous = 'string';
      } else if (/[A-Za-z_]/.test(char)) {
        const label = readWhile(/[A-Za-z0-9_]/);
        skipSpace();
        const operator = readWhile(/[=!~]/);
        skipSpace();
        const value = /["'`]/.test(peek()) ? readString() : '';
        if (label === '__name__' && operator === '=') names.add(value);
        else if (label === '__name__') throw new Error(`${expr}: a metric name matched by ${operator} cannot be checked`);
        previous = 'matcher';
      } else {
        previous = char;
        at += 1;
      }
    }
    at += 1;
  };
  const skipParenthesised = () => {
    let depth = 0;
    do {
      if (peek() === '(') depth += 1;
      else if (peek() === ')') depth -= 1;
      at += 1;
    } while (at < expr.length && depth > 0);
  };

  while (at < expr.length) {
    const char = peek();
    if (char === '"' || char === "'" || char === '`') readString();
    else if (char === '#') readWhile(/[^\n]/); // a comment
    else if (char === '{') readMatchers();
    else if (char === '[') {
      // A range or subquery: durations and Grafana variables only ([5m], [1h:5m], [$__rate_interval]).
      readWhile(/[^\]]/);
      at += 1;
    }
    else if (char === '$') {
      // A Grafana variable: $name, $__rate_interval, ${name} or ${name:format}.
      at += 1;
      if (peek() === '{') {
        readWhile(/[^}]/);
        at += 1;
      } else readWhile(/[A-Za-z0-9_]/);
    } else if (/[0-9]/.test(char) || (char === '.' && /[0-9]/.test(expr[at + 1] ?? ''))) readWhile(/[0-9A-Za-z_.]/); // 0.95, 5m, 1h30m, 0x1f, 1e3
    else if (/[A-Za-z_:]/.test(char)) {
      const name = readWhile(/[A-Za-z0-9_:]/);
      skipSpace();
      const lower = name.toLowerCase();
      if (grouping.has(lower)) {
        if (peek() === '(') skipParenthesised();
      } else if (keywords.has(lower) || aggregations.has(name) || peek() === '(') {
        // A keyword, an aggregation, or a function (also `start()`/`end()` after `@`).
      } else names.add(name);
    } else at += 1;
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// Where the expressions are
// ---------------------------------------------------------------------------------------------

interface Use {
  name: string;
  where: string;
}

/** Every Prometheus expression of the dashboards: panel targets (a target inherits its panel's datasource) and query variables. */
function dashboardExpressions(): Array<{ expr: string; where: string }> {
  const found: Array<{ expr: string; where: string }> = [];
  for (const file of readdirSync(dashboardsDir).filter((name) => name.endsWith('.json'))) {
    const dashboard = JSON.parse(readFileSync(join(dashboardsDir, file), 'utf8')) as Record<string, any>;
    const visit = (panel: Record<string, any>) => {
      for (const target of panel.targets ?? []) {
        const type = target.datasource?.type ?? panel.datasource?.type;
        if (type === 'prometheus' && typeof target.expr === 'string') found.push({ expr: target.expr, where: `${file}: panel "${panel.title}" ${target.refId}` });
      }
      for (const nested of panel.panels ?? []) visit(nested);
    };
    for (const panel of dashboard.panels ?? []) visit(panel);
    for (const variable of dashboard.templating?.list ?? []) {
      if (variable.type !== 'query' || variable.datasource?.type !== 'prometheus') continue;
      const query = String(typeof variable.query === 'object' ? variable.query.query : variable.query);
      // Grafana's variable functions around PromQL: label_values(<selector>, <label>), query_result(<expr>).
      const inner = /^\s*label_values\((.*),\s*\w+\s*\)\s*$/s.exec(query)?.[1] ?? /^\s*query_result\((.*)\)\s*$/s.exec(query)?.[1];
      if (inner !== undefined) found.push({ expr: inner, where: `${file}: variable $${variable.name}` });
    }
  }
  return found;
}

/** Every expression of the rule files (the unit tests beside them, *.test.yml, are none). */
function ruleExpressions(): Array<{ expr: string; where: string }> {
  return readdirSync(rulesDir)
    .filter((file) => file.endsWith('.yml') && !file.endsWith('.test.yml'))
    .flatMap((file) =>
      ((parse(readFileSync(join(rulesDir, file), 'utf8')) as { groups?: Array<{ rules?: Array<Record<string, any>> }> }).groups ?? []).flatMap((group) =>
        (group.rules ?? []).map((rule) => ({ expr: String(rule.expr), where: `${file}: ${rule.alert ?? rule.record}` })),
      ),
    );
}

function uses(): Use[] {
  return [...dashboardExpressions(), ...ruleExpressions()].flatMap(({ expr, where }) => [...metricNames(expr)].map((name) => ({ name, where })));
}

// ---------------------------------------------------------------------------------------------
// What a service exports
// ---------------------------------------------------------------------------------------------

/** The series names a Prometheus text exposition can carry, from its `# TYPE` lines. */
export function exportedSeriesNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, family, type] = match as unknown as [string, string, string];
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(family + suffix);
    else if (type === 'summary') for (const suffix of ['', '_sum', '_count']) names.add(family + suffix);
    else if (type === 'counter') names.add(family.endsWith('_total') ? family : `${family}_total`).add(family);
    else names.add(family);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

test('the PromQL name extractor', () => {
  const cases: Array<[string, string[]]> = [
    ['up{job=~"thalweg-services|thalweg-processes"} == 0', ['up']],
    ['sum by (service, route) (rate(http_server_request_duration_seconds_count{service=~"$service", route!~"/healthz|/readyz"}[$__rate_interval]))', ['http_server_request_duration_seconds_count']],
    ['histogram_quantile(0.95, sum by (le, group) (rate(thalweg_projection_batch_duration_seconds_bucket[5m])))', ['thalweg_projection_batch_duration_seconds_bucket']],
    ['thalweg_projection_lag > 1000\nand\nderiv(thalweg_projection_lag[10m]) > 0', ['thalweg_projection_lag']],
    ['sum(rate(a_total[5m])) by (le) / on (job) group_left (service) b offset 5m', ['a_total', 'b']],
    ['sum without (instance) (x unless x offset 5m) > 0 or vector(0)', ['x']],
    ['label_replace(a, "dst", "$1", "src", "(.*)") * on() group_right() c', ['a', 'c']],
    ['max_over_time(a[1h:5m]) unless b @ end() > 1e-3 * Inf or vector(NaN)', ['a', 'b']],
    ['topk(5, count_values("le", x)) != bool 2 or x atan2 y', ['x', 'y']],
    ['rec:ratio:rate5m{x="}", y=\'{z}\'} > 0.5', ['rec:ratio:rate5m']],
    ['{__name__="by_name", job="a"} + {"quoted.name", job="b"} + {"quoted.label"="x", __name__="named"}', ['by_name', 'quoted.name', 'named']],
    ['# a comment naming not_this_one\nsum(this_one)', ['this_one']],
    ['absent(missing{job="x"}) * ${__range_s} * $__interval', ['missing']],
  ];
  for (const [expr, expected] of cases) assert.deepEqual([...metricNames(expr)].sort(), [...expected].sort(), expr);
  assert.throws(() => metricNames('{__name__=~"thalweg_.*"}'), /cannot be checked/);
});

test('the exposition reader maps series to their families', () => {
  const exposition = [
    '# HELP a_seconds Time',
    '# TYPE a_seconds histogram',
    '# TYPE b_total counter',
    '# TYPE c gauge',
    '# TYPE d summary',
    'a_seconds_bucket{le="+Inf"} 1',
  ].join('\n');
  assert.deepEqual([...exportedSeriesNames(exposition)].sort(), ['a_seconds_bucket', 'a_seconds_count', 'a_seconds_sum', 'b_total', 'c', 'd', 'd_count', 'd_sum']);
});

test('the dashboards and the alert rules query only metrics a live service exports', { timeout: 180_000 }, async (t) => {
  const used = uses();
  assert.ok(used.length > 0, 'the dashboards and rules have PromQL');
  // The exceptions stay honest: each is still queried somewhere.
  for (const name of notFromServices.keys()) assert.ok(used.some((use) => use.name === name), `${name} is listed as an exception but nothing queries it`);

  const services = await startWalletServices(t);
  const exported = new Map<string, Set<string>>();
  for (const [service, url] of Object.entries(services.urls)) {
    const response = await fetch(`${url}/metrics`);
    assert.equal(response.status, 200, `${service} /metrics`);
    exported.set(service, exportedSeriesNames(await response.text()));
  }
  // Each of them serves the Thalweg families beside Node's own.
  for (const [service, names] of exported) {
    assert.ok(names.has('http_server_request_duration_seconds_count'), `${service} exports the HTTP histogram`);
    assert.ok(names.has('process_resident_memory_bytes'), `${service} exports Node's process metrics`);
  }

  const missing = used.filter(({ name }) => !notFromServices.has(name) && ![...exported.values()].some((names) => names.has(name)));
  assert.deepEqual(
    missing.map(({ name, where }) => `${name} (${where})`),
    [],
    `queried, but exported by none of ${[...exported.keys()].join(', ')}`,
  );
  t.diagnostic(`${new Set(used.map(({ name }) => name)).size} metric names in ${used.length} uses, all exported (${[...notFromServices.keys()].join(', ')} excepted)`);
});
