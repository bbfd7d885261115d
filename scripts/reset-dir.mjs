// Empties a folder (used to start end-to-end servers from a clean state): node scripts/reset-dir.mjs <dir>
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
if (
  !dir ||
  path.resolve(dir) === path.resolve('.') ||
  path.resolve(dir) === path.parse(path.resolve(dir)).root
) {
  console.error('usage: node scripts/reset-dir.mjs <folder inside the project>');
  process.exit(2);
}
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
