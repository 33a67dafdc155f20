// Peer of EventLoopRoundTrip (figure 1): Node's child_process.fork IPC round trip, measured from the
// parent's event loop; each message is sent from the handler of the previous answer.
// Usage: node fork-ipc-roundtrip.js [jobs=50000] [warmup=20000]   (prints one row, times in µs)
const { fork } = require('node:child_process');
if (process.argv[2] === 'child') {
  process.on('message', (m) => process.send(m));
} else {
  const jobs = Number(process.argv[2] || 50000), warmup = Number(process.argv[3] || 20000);
  const child = fork(__filename, ['child']);
  const nanos = [];
  let i = 0, start = 0n;
  const next = () => { start = process.hrtime.bigint(); child.send(i); };
  child.on('message', () => {
    if (i++ >= warmup) nanos.push(Number(process.hrtime.bigint() - start));
    if (i < warmup + jobs) return next();
    child.disconnect();
    nanos.sort((a, b) => a - b);
    const us = (p) => (nanos[Math.max(0, Math.ceil(p / 100 * nanos.length) - 1)] / 1000)
      .toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    console.log(`| 1 | peer: node ${process.version} child_process.fork IPC | ipc | ${jobs.toLocaleString('en-US')} | ${us(50)} | ${us(90)} | ${us(99)} | ${us(100)} |  |`);
  });
  next();
}
