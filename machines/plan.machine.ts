/**
 * Plan machine: the phase a plan is in.
 *
 * States: draft → launch → promotion → implementation → evaluation → closed (final).
 * Events (carry `at`): plan.publish (office: the plan goes live, its tasks are
 * activated), plan.advance (office moves to the next phase by hand, with a reason).
 * Timers: untilNextPhase — the start of the next phase, or the end of evaluation.
 * Emitted actions: activateTasks (on publish), phaseChanged { from, to, manual }.
 */
import { setup } from 'xstate';
import type { PhaseKeyT } from '../src/domain/plan.schema.js';
import { until, type Timed } from './clock.js';

export const PLAN_MACHINE_VERSION = 1;

export type PlanStage = 'draft' | PhaseKeyT | 'closed';

export interface PlanContext {
  /** Epoch ms at which each phase hands over to the next: the next phase's start, evaluation's end for closed. */
  boundaries: { promotion: number; implementation: number; evaluation: number; closed: number };
}

export interface PlanInput extends Timed {
  boundaries: PlanContext['boundaries'];
}

export type PlanEvent = ({ type: 'plan.publish' } & Timed) | ({ type: 'plan.advance'; reason: string } & Timed);

export interface PhaseChanged {
  from: PlanStage;
  to: PlanStage;
  manual: boolean;
}

const NEXT = { launch: 'promotion', promotion: 'implementation', implementation: 'evaluation', evaluation: 'closed' } as const;

/** One phase state: leaves for the next on the next phase's boundary date, or by hand. */
function phase<K extends keyof typeof NEXT>(key: K) {
  const to = NEXT[key];
  return {
    after: {
      [to]: { target: to, actions: { type: 'phaseChanged' as const, params: { from: key, to, manual: false } } },
    },
    on: {
      'plan.advance': { target: to, actions: { type: 'phaseChanged' as const, params: { from: key, to, manual: true } } },
    },
  };
}

export const planMachine = setup({
  types: {} as { context: PlanContext; events: PlanEvent; input: PlanInput },
  // One delay per boundary, named after the phase it leads into.
  delays: {
    promotion: ({ context, event }) => until(context.boundaries.promotion, event),
    implementation: ({ context, event }) => until(context.boundaries.implementation, event),
    evaluation: ({ context, event }) => until(context.boundaries.evaluation, event),
    closed: ({ context, event }) => until(context.boundaries.closed, event),
  },
  actions: {
    activateTasks: () => {},
    phaseChanged: (_, _params: PhaseChanged) => {},
  },
}).createMachine({
  id: 'plan',
  initial: 'draft',
  context: ({ input }) => ({ boundaries: input.boundaries }),
  states: {
    draft: {
      on: {
        'plan.publish': {
          target: 'launch',
          actions: ['activateTasks', { type: 'phaseChanged', params: { from: 'draft', to: 'launch', manual: true } }],
        },
      },
    },
    launch: phase('launch'),
    promotion: phase('promotion'),
    implementation: phase('implementation'),
    evaluation: phase('evaluation'),
    closed: { type: 'final' },
  },
});

export type PlanMachine = typeof planMachine;
