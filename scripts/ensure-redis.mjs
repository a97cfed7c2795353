// Makes sure a redis-server exists for the hub's Redis tests (they start their own on a
// random loopback port). Installs Debian's `redis-server` when it is missing and we can
// (root + apt-get); otherwise explains how to get one. The tests fail, never skip, without it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findRedisServer } from './redis-path.mjs';

if (!findRedisServer()) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.log("redis-server not found: installing Debian's redis-server package (apt-get install redis-server)...");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
      execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'redis-server'], { stdio: 'inherit', env });
    } catch {
      // reported below
    }
  }
  if (!findRedisServer()) {
    console.error(
      'The hub tests need a redis-server and none was found.\n' +
        "Install Debian's package (sudo apt-get install redis-server), or set REDIS_SERVER_PATH to a redis-server executable.",
    );
    process.exit(1);
  }
}
