/** Runs the language-model stand-in as a process (for the end-to-end tests): `tsx cli.ts --port 3199`. */
import { startFakeLlm } from './server';

const portArg = process.argv.indexOf('--port');
const port = portArg === -1 ? 3199 : Number(process.argv[portArg + 1]);
const apiKey = process.env.FAKE_LLM_API_KEY || undefined;

startFakeLlm({ port, apiKey }).then((llm) => {
  process.stdout.write(`fake model listening at ${llm.url}\n`);
  const stop = () => llm.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
});
