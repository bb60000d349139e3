// `node --require iora/register app.cjs` (built to dist/instrumentation/register.cjs by esbuild).
// The agent's synchronous part — instrumentations patching require — runs before the app's first require;
// only the export side (pipeline or OTLP exporter) finishes asynchronously.

import { pathToFileURL } from 'node:url';
import { startAgentSafely } from './preload.js';

// ES modules imported by a CommonJS app are instrumented too: the loader hook is registered here as well.
startAgentSafely(pathToFileURL(`${__dirname}/`).href, true);
