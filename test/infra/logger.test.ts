/**
 * The process logger: JSON lines with level words, errors in one line with their code
 * and a stack only at debug, and the pretty form one line too.
 */
import { describe, expect, it } from 'vitest';
import { createLogger, prettyLine } from '../../src/infra/logger.js';

function collect(level: 'info' | 'debug', format: 'json' | 'pretty' = 'json') {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level, format, destination: { write: (s: string) => void lines.push(s) } }) };
}

const failure = () => Object.assign(new Error('connect ECONNREFUSED\n127.0.0.1:6379'), { code: 'ECONNREFUSED' });

describe('the logger', () => {
  it('writes an error as one JSON line with its message and code, and no stack at info', () => {
    const { lines, logger } = collect('info');
    logger.debug('not at info');
    logger.error({ err: failure() }, '对账失败 / reconciler run failed');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.slice(0, -1)).not.toContain('\n');
    const record = JSON.parse(lines[0]!) as { level: string; msg: string; time: string; err: Record<string, unknown> };
    expect(record.level).toBe('error');
    expect(record.msg).toBe('对账失败 / reconciler run failed');
    expect(new Date(record.time).getTime()).not.toBeNaN();
    expect(record.err).toEqual({ type: 'Error', message: 'connect ECONNREFUSED\n127.0.0.1:6379', code: 'ECONNREFUSED' });
  });

  it('keeps the stack at debug, as one escaped field of the one line', () => {
    const { lines, logger } = collect('debug');
    logger.error({ err: failure() }, 'failed');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.slice(0, -1)).not.toContain('\n');
    expect((JSON.parse(lines[0]!) as { err: { stack: string } }).err.stack).toMatch(/^Error: connect ECONNREFUSED\n[\s\S]*at /);
  });

  it('writes the pretty form as one readable line, without the stack', () => {
    const { lines, logger } = collect('debug', 'pretty');
    logger.warn({ err: failure(), plan: 'qx' }, 'Redis 连接中断 / lost the connection to Redis');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d WARN {2}Redis 连接中断 \/ lost the connection to Redis {2}.*plan=qx/);
    expect(lines[0]).toContain('code=ECONNREFUSED');
    expect(lines[0]!.slice(0, -1)).not.toContain('\n');
    expect(lines[0]).not.toContain(' at ');
    expect(prettyLine('not json\n')).toBe('not json');
  });
});
