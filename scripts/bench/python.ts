/** Runs one of the bench's Python scripts on a JSON spec and reads the JSON it writes. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes `spec` to `<cacheDir>/<name>-spec.json`, runs `python script spec out` with its output on
 * our stderr (progress), and returns the parsed `<cacheDir>/<name>-result.json`.
 */
export async function runPythonJson<T>(
  python: string,
  script: string,
  cacheDir: string,
  name: string,
  spec: unknown,
): Promise<T> {
  const specFile = path.resolve(cacheDir, `${name}-spec.json`);
  const outFile = path.resolve(cacheDir, `${name}-result.json`);
  fs.rmSync(outFile, { force: true });
  fs.writeFileSync(specFile, JSON.stringify(spec, null, 2));
  await new Promise<void>((resolve, reject) => {
    const child = spawn(python, [script, specFile, outFile], { stdio: ['ignore', 2, 2] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(script)} exited with ${code}`)),
    );
  });
  return JSON.parse(fs.readFileSync(outFile, 'utf8')) as T;
}
