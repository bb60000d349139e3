// `node --import iora/register app.mjs`: starts the agent before the app's first import. Thin on purpose:
// all logic is in agent.ts. Never throws into the app: a failure is one log line and an uninstrumented app.

import { startAgentSafely } from './preload.js';

startAgentSafely(new URL('./', import.meta.url).href, true);
