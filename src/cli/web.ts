import type { Express } from 'express';
import type { Runtime } from '../runtime.js';

/** Mounts the web workspace at / (when built); the API works without it. */
export function mountWorkspace(_app: Express, _runtime: Runtime): void {}
