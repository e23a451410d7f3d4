/**
 * Plan machine: the phase a plan is in.
 *
 * States: draft → launch → promotion → implementation → evaluation → closed (final).
 * Events (carry `at`): plan.publish (office: the plan goes live, its tasks are
 * activated), plan.advance (office moves to the next phase by hand, with a reason),
 * plan.phase.approve / plan.phase.reject (the group leader decides a proposed phase).
 * A phase that requires approval is not entered on its date or by the office's hand:
 * either one proposes it, and the plan stays where it is until the group leader
 * approves (or rejects, and the office may propose again).
 * Timers: the start of the next phase, or the end of evaluation.
 * plan.amend (engine only) takes new phase dates from an amendment and re-arms the
 * next boundary.
 * plan.suspend / plan.resume (office, with a reason) park the whole plan: its phases
 * keep their dates, and every task that can be suspended is, until the plan resumes.
 * Emitted actions: suspendTasks, resumeTasks, activateTasks (on publish), phaseChanged { from, to, manual },
 * phaseProposed { from, to, manual }, phaseRejected { from, to }.
 */
import { assign, setup } from 'xstate';
import type { PhaseKeyT } from '../src/domain/plan.schema.js';
import { eventTime, until, type Timed } from './clock.js';

/**
 * v2: phases that require the group leader's approval (context.approvals, context.proposal).
 * v3: no change to states or context: stored in the compact form (src/engine/stored-form.ts),
 * which earlier builds would misread, so the version tells them to refuse it.
 * v4: no change to states or context: one timer-index entry per plan and compact history
 * entries, as task v6.
 */
export const PLAN_MACHINE_VERSION = 4;

export type PlanStage = 'draft' | PhaseKeyT | 'closed';
type Next = 'promotion' | 'implementation' | 'evaluation' | 'closed';

export interface PlanContext {
  /** Epoch ms at which each phase hands over to the next: the next phase's start, evaluation's end for closed. */
  boundaries: { promotion: number; implementation: number; evaluation: number; closed: number };
  /** Phases whose entry needs the group leader's approval. */
  approvals: Record<Next, boolean>;
  /** A phase proposed and awaiting approval. */
  proposal: { to: Next; at: number; manual: boolean } | null;
  /** 挂起: the whole plan parked, since when and why (its tasks' clocks stop with it). */
  suspension: { at: number; reason: string } | null;
}

export interface PlanInput extends Timed {
  boundaries: PlanContext['boundaries'];
  approvals?: Partial<PlanContext['approvals']>;
}

export type PlanEvent =
  | ({ type: 'plan.publish' } & Timed)
  | ({ type: 'plan.advance'; reason: string } & Timed)
  | ({ type: 'plan.phase.approve'; note: string } & Timed)
  | ({ type: 'plan.phase.reject'; note: string } & Timed)
  | ({ type: 'plan.suspend'; reason: string } & Timed)
  | ({ type: 'plan.resume'; note: string } & Timed)
  /** An amendment of the running plan moved future phase dates (engine only). */
  | ({ type: 'plan.amend'; boundaries: PlanContext['boundaries']; approvals: PlanContext['approvals'] } & Timed);

export interface PhaseChanged {
  from: PlanStage;
  to: PlanStage;
  manual: boolean;
}

const NEXT = { launch: 'promotion', promotion: 'implementation', implementation: 'evaluation', evaluation: 'closed' } as const;

/** One phase state: leaves for the next on its boundary date or by hand — or proposes it, where the next needs approval. */
function phase<K extends keyof typeof NEXT>(key: K) {
  const to = NEXT[key];
  const enter = (manual: boolean) => ({
    target: to,
    actions: [{ type: 'phaseChanged' as const, params: { from: key, to, manual } }, 'clearProposal' as const],
  });
  const propose = (manual: boolean) => ({
    guard: { type: 'needsApproval' as const, params: { to } },
    actions: [
      { type: 'propose' as const, params: { to, manual } },
      { type: 'phaseProposed' as const, params: { from: key, to, manual } },
    ],
  });
  return {
    after: { [to]: [propose(false), enter(false)] },
    on: {
      'plan.advance': [propose(true), enter(true)],
      'plan.phase.approve': {
        guard: 'proposalPending' as const,
        target: to,
        actions: [{ type: 'phaseChanged' as const, params: { from: key, to, manual: true } }, 'clearProposal' as const],
      },
      'plan.phase.reject': {
        guard: 'proposalPending' as const,
        actions: [{ type: 'phaseRejected' as const, params: { from: key, to } }, 'clearProposal' as const],
      },
      // Re-entered so the next boundary's timer is armed again for its new date.
      'plan.amend': { target: key, reenter: true, actions: 'amend' as const },
      // 挂起 / 恢复 the whole plan: its phases keep their dates, its tasks' clocks stop and resume.
      'plan.suspend': { guard: 'notSuspended' as const, actions: ['suspend' as const, 'suspendTasks' as const] },
      'plan.resume': { guard: 'suspended' as const, actions: ['resume' as const, 'resumeTasks' as const] },
    },
  };
}

export const planMachine = setup({
  types: { context: {} as PlanContext, events: {} as PlanEvent, input: {} as PlanInput },
  // One delay per boundary, named after the phase it leads into.
  delays: {
    promotion: ({ context, event }) => until(context.boundaries.promotion, event),
    implementation: ({ context, event }) => until(context.boundaries.implementation, event),
    evaluation: ({ context, event }) => until(context.boundaries.evaluation, event),
    closed: ({ context, event }) => until(context.boundaries.closed, event),
  },
  guards: {
    needsApproval: ({ context }, params: { to: Next }) => context.approvals[params.to] === true,
    proposalPending: ({ context }) => context.proposal !== null,
    suspended: ({ context }) => context.suspension !== null,
    notSuspended: ({ context }) => context.suspension === null,
  },
  actions: {
    activateTasks: () => {},
    phaseChanged: (_, _params: PhaseChanged) => {},
    phaseProposed: (_, _params: PhaseChanged) => {},
    phaseRejected: (_, _params: { from: PlanStage; to: PlanStage }) => {},
    propose: assign(({ event }, params: { to: Next; manual: boolean }) => ({
      proposal: { to: params.to, at: eventTime(event), manual: params.manual },
    })),
    clearProposal: assign(() => ({ proposal: null })),
    suspend: assign(({ event }) => (event.type === 'plan.suspend' ? { suspension: { at: event.at, reason: event.reason } } : {})),
    resume: assign(() => ({ suspension: null })),
    suspendTasks: () => {},
    resumeTasks: () => {},
    amend: assign(({ event }) => (event.type === 'plan.amend' ? { boundaries: event.boundaries, approvals: event.approvals } : {})),
  },
}).createMachine({
  id: 'plan',
  initial: 'draft',
  context: ({ input }) => ({
    boundaries: input.boundaries,
    approvals: { promotion: false, implementation: false, evaluation: false, closed: false, ...input.approvals },
    proposal: null,
    suspension: null,
  }),
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
