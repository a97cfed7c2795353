// Makes sure a Chromium exists for the browser tests. Installs Debian's `chromium`
// when it is missing and we can (root + apt-get); otherwise explains how to get one.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChrome } from './chrome-path.mjs';

if (process.env.CHROME_PATH && !existsSync(process.env.CHROME_PATH)) {
  console.error(`CHROME_PATH is set to ${process.env.CHROME_PATH}, but no file is there.`);
  process.exit(1);
}
if (!findChrome()) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.log("Chromium not found: installing Debian's chromium package (apt-get install chromium)...");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
      execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    } catch {
      // reported below
    }
  }
  if (!findChrome()) {
    console.error(
      'The browser tests need Chromium and none was found.\n' +
        "Install Debian's package (sudo apt-get install chromium), or set CHROME_PATH to a Chromium/Chrome executable.",
    );
    process.exit(1);
  }
}
