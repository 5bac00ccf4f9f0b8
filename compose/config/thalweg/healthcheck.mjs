// Container healthcheck for the Thalweg services (node:20-slim has neither curl nor wget).
//
//   node healthcheck.mjs http://127.0.0.1:4001/readyz      the URL must answer 2xx
//   node healthcheck.mjs tcp://kafka-1:19092 tcp://postgres:5432   each port must accept a connection
//
// Each target gets --timeout=<ms> (default 3000 ms); a flag rather than an environment variable
// because the services refuse THALWEG_ variables they do not know.
// Exits 0 when every target passes, 1 when one fails (named on stderr), 2 on bad usage.
import { connect } from 'node:net';

function checkTcp(url, timeout) {
  return new Promise((resolve, reject) => {
    const port = Number(url.port);
    if (!url.hostname || !Number.isInteger(port) || port <= 0) {
      reject(new Error('expected tcp://host:port'));
      return;
    }
    const socket = connect({ host: url.hostname, port });
    socket.setTimeout(timeout);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`no connection within ${timeout} ms`));
    });
    socket.once('error', reject);
  });
}

async function checkHttp(url, timeout) {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeout) });
  await response.body?.cancel();
  if (response.status < 200 || response.status > 299) throw new Error(`HTTP ${response.status}`);
}

async function check(target, timeout) {
  const url = new URL(target);
  if (url.protocol === 'tcp:') return checkTcp(url, timeout);
  if (url.protocol === 'http:' || url.protocol === 'https:') return checkHttp(url, timeout);
  throw new Error(`unsupported scheme ${url.protocol}`);
}

async function main(argv) {
  let timeout = 3000; // ms
  const targets = [];
  for (const arg of argv) {
    const flag = /^--timeout=(\d+)$/.exec(arg);
    if (flag) timeout = Number(flag[1]);
    else targets.push(arg);
  }
  if (targets.length === 0) {
    process.stderr.write('usage: healthcheck.mjs [--timeout=<ms>] <http(s)://... | tcp://host:port>...\n');
    return 2;
  }
  let failed = false;
  for (const target of targets) {
    try {
      await check(target, timeout);
    } catch (error) {
      failed = true;
      process.stderr.write(`unhealthy: ${target}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
