/** Progress for the person running the benchmark: stderr only (stdout carries the JSON alone). */
export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
