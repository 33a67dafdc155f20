// The Node.js version of `offload serve` for the fib demo, the peer of docs/BENCHMARKS.md's
// "offload serve vs Node" section: an `http` server whose POST /jobs/fib goes round-robin to
// CHILDREN `child_process.fork` children over fork IPC; the child computes fib by naive recursion.
// Same JSON in and out as dev.offload.service.demo.Fibonacci: {"n": 15} -> {"n":15,"value":610}.
//
//   node docs/peers/node-serve.js [port] [children]      (defaults: 8090, 2)
'use strict';
const http = require('http');
const { fork } = require('child_process');

if (process.argv[2] === '--child') {
  const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));
  process.on('message', ({ id, n }) => process.send({ id, n, value: fib(n) }));
  return;
}

const port = Number(process.argv[2] || 8090);
const children = Number(process.argv[3] || 2);
const workers = [];
const pending = new Map();
let nextId = 0;
let nextChild = 0;

for (let i = 0; i < children; i++) {
  const child = fork(__filename, ['--child']);
  child.on('message', ({ id, n, value }) => {
    const res = pending.get(id);
    pending.delete(id);
    send(res, 200, { n, value });
  });
  workers.push(child);
}

function send(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') {
    return send(res, 200, { status: 'ok', workers: workers.length, busy: pending.size });
  }
  if (req.url !== '/jobs/fib') {
    return send(res, 404, { error: 'nothing at ' + req.url, type: 'NotFound' });
  }
  if (req.method !== 'POST') {
    return send(res, 405, { error: req.method + ' is not allowed on /jobs/fib; use POST', type: 'MethodNotAllowed' });
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let n;
    try {
      n = JSON.parse(Buffer.concat(chunks).toString('utf8')).n;
    } catch (e) {
      return send(res, 400, { error: 'the body is not JSON: ' + e.message, type: 'BadRequest' });
    }
    if (!Number.isInteger(n) || n < 0 || n > 92) {
      return send(res, 400, { error: 'n must be between 0 and 92 (got ' + n + ')', type: 'BadRequest' });
    }
    const id = nextId++;
    pending.set(id, res);
    workers[nextChild].send({ id, n });
    nextChild = (nextChild + 1) % workers.length;
  });
});

server.listen(port, '127.0.0.1', () => console.log('node serving on http://127.0.0.1:' + port + ' (' + children + ' children)'));
const stop = () => { server.close(); workers.forEach((w) => w.kill()); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
