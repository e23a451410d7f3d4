import type { Express } from 'express';
import type { Runtime } from '../runtime.js';
import { mountWeb } from '../web/index.js';

/** Mounts the web workspace at / beside the API. */
export function mountWorkspace(app: Express, runtime: Runtime): void {
  mountWeb(app, runtime);
}
