// Starts the unmodified npm telegram-test-api on 127.0.0.1 for the smoke test.
// Prints one line, `READY <port>`, once it listens. It stops when its stdin closes, so it
// cannot outlive the pytest process that started it, even if that process is killed.
// The server's known defects are absorbed on the Python side (tests/smoke/compat.py), not here.
'use strict';

const net = require('net');
const TelegramServer = require('telegram-test-api');

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function main() {
  let lastError;
  // Another process may take the probed port before we listen on it: try a few times.
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = await freePort();
    const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 60 });
    try {
      await server.start();
    } catch (error) {
      lastError = error;
      continue;
    }
    const stop = () => {
      setTimeout(() => process.exit(0), 2000).unref(); // do not wait on lingering sockets
      server.stop().finally(() => process.exit(0));
    };
    process.stdin.on('end', stop);
    process.stdin.on('close', stop);
    process.stdin.resume();
    process.on('SIGTERM', stop);
    process.stdout.write(`READY ${port}\n`);
    return;
  }
  throw lastError;
}

main().catch((error) => {
  process.stderr.write(`telegram-test-api failed to start: ${error}\n`);
  process.exit(1);
});
