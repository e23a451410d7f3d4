/**
 * Archives of finished plans (src/engine/archive.ts), for the office of the plan's
 * organisation:
 *
 *   POST /plans/:planId/archive   archive a closed plan and take it out of Redis (201 with the record; 409 while it runs)
 *   GET  /archives                the office's archives, newest first (limit, cursor)
 *   GET  /archives/:id            one archive's JSON document, as a download
 */
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import { z } from 'zod';
import { Id } from '../domain/plan.schema.js';
import { archivePlan, archiveRecord, listArchives } from '../engine/archive.js';
import type { Engine } from '../engine/engine.js';
import { pageOf } from '../engine/paging.js';
import { NotFoundError } from '../errors.js';
import type { FileStore } from '../files/file-store.js';
import { principalOf } from './auth.js';
import { parse } from './parse.js';
import { readablePlan } from './plan-access.js';

export function archivesRouter(engine: Engine, files: FileStore, log?: (line: string) => void): Router {
  const r = Router();

  r.post('/plans/:planId/archive', async (req, res) => {
    const by = principalOf(res);
    await readablePlan(engine, by, req.params.planId);
    res.status(201).json(await archivePlan({ engine, files, log }, req.params.planId, by));
  });

  r.get('/archives', async (req, res) => {
    const page = await listArchives(engine, principalOf(res), pageOf(req.query));
    res.json(page);
  });

  r.get('/archives/:id', async (req, res) => {
    const { id } = parse(z.object({ id: Id }), req.params, 'params');
    const record = await archiveRecord(engine, principalOf(res), id);
    const body = await files.stream(record.file);
    if (!body)
      throw new NotFoundError({
        zh: `方案 ${id} 的归档文件不在文件存储中`,
        en: `The archive file of plan ${id} is missing from the file store`,
      });
    const name = `${id}-归档.json`;
    res.set({
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(record.size),
      'Content-Disposition': `attachment; filename="${id}-archive.json"; filename*=UTF-8''${encodeURIComponent(name)}`,
      'X-Content-Type-Options': 'nosniff',
    });
    await pipeline(body, res);
  });

  return r;
}
