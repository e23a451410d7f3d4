/**
 * The one vocabulary of task commands: every command of the schema has a form that
 * asks for each of its fields, a label, and a machine state that takes it.
 */
import { describe, expect, it } from 'vitest';
import { getAdjacencyMap } from 'xstate/graph';
import { taskMachine } from '../../machines/index.js';
import { TASK_COMMAND_TYPES, TaskCommandSchema } from '../../src/domain/commands.schema.js';
import { DEFAULT_ESCALATION } from '../../src/domain/policy.js';
import { EVENT_TEXT, TASK_COMMANDS, taskCommandForms } from '../../src/domain/task-commands.js';
import { ownEventTypes } from '../machines/graph-helpers.js';

describe('task commands', () => {
  it('the form of every command asks for every field its schema has', () => {
    for (const option of TaskCommandSchema.options) {
      const type = option.shape.type.value;
      const fields = Object.keys(option.shape)
        .filter((k) => k !== 'type')
        .sort();
      const form = taskCommandForms()[type];
      expect(form.fields.map((f) => f.name).sort(), type).toEqual(fields);
    }
  });

  it('every command has Chinese and English labels, Chinese without half-width punctuation', () => {
    for (const type of TASK_COMMAND_TYPES) {
      expect(EVENT_TEXT[type].zh).toMatch(/\p{Script=Han}/u);
      expect(EVENT_TEXT[type].zh).not.toMatch(/[,:;()]/);
      expect(EVENT_TEXT[type].en.length).toBeGreaterThan(0);
      expect(TASK_COMMANDS[type].label).toBe(EVENT_TEXT[type]);
    }
  });

  it('some reachable state of the task machine takes every command', () => {
    const T0 = Date.UTC(2026, 0, 1);
    const input = {
      at: T0,
      taskId: 't',
      zone: 'Asia/Shanghai',
      calendar: 'cn-mainland' as const,
      deadline: T0 + 86_400_000 * 30,
      policy: DEFAULT_ESCALATION,
    };
    const events = (s: Parameters<typeof ownEventTypes>[0]) =>
      ownEventTypes(s)
        .filter((t) => !t.startsWith('xstate.'))
        .map(
          (type) =>
            ({
              type,
              at: T0 + 3_600_000,
              percent: 1,
              note: '',
              evidence: ['https://e.org'],
              reason: 'r',
              deadline: T0 + 86_400_000 * 40,
            }) as never,
        );
    const map = getAdjacencyMap(taskMachine, { input, events, serializeState: (s) => JSON.stringify(s.value) });
    const taken = new Set(Object.values(map).flatMap(({ state }) => ownEventTypes(state)));
    for (const type of TASK_COMMAND_TYPES) expect(taken.has(type), type).toBe(true);
  });
});
