/**
 * The default escalation ladder: section 五(四) of a district plan, as DOMAIN.md
 * tabulates it. Each rung adds people to the notice; grace is the rectification
 * period before the next rung. Plans may override it; a running task keeps the copy
 * it was activated with, so editing a policy never changes ladders already climbing.
 */
/** 验收时限: five working days to review, a reminder the day before, then up the chain above the reviewer. */
export const DEFAULT_REVIEW = {
  within: { workingDays: 5 },
  reminders: [{ workingDays: 1 }],
  grace: { workingDays: 3 },
  escalateTo: [
    ['responsibleLeader' as const, 'groupLeader' as const],
    ['responsibleLeader' as const, 'groupLeader' as const, 'leadershipGroup' as const],
  ],
};

/** 签收时限: two working days to acknowledge, then the department head is told a working day later. */
export const DEFAULT_ACKNOWLEDGE = { within: { workingDays: 2 }, chaseAfter: { workingDays: 1 } };

export const DEFAULT_MAX_EXTENSIONS = 2;

export const DEFAULT_ESCALATION = {
  review: DEFAULT_REVIEW,
  acknowledge: DEFAULT_ACKNOWLEDGE,
  maxExtensions: DEFAULT_MAX_EXTENSIONS,
  reminders: ['P7D', 'P1D'],
  reminderNotify: ['responsiblePerson' as const],
  rungs: [
    { action: 'rectification_notice' as const, notify: ['responsiblePerson' as const, 'departmentHead' as const], grace: 'P7D' },
    {
      action: 'public_criticism' as const,
      notify: ['responsiblePerson' as const, 'departmentHead' as const, 'responsibleLeader' as const],
      grace: 'P7D',
    },
    {
      action: 'admonishment' as const,
      notify: ['responsiblePerson' as const, 'departmentHead' as const, 'responsibleLeader' as const, 'groupLeader' as const],
      grace: 'P7D',
    },
    {
      action: 'disciplinary' as const,
      notify: ['responsiblePerson' as const, 'departmentHead' as const, 'responsibleLeader' as const, 'leadershipGroup' as const],
    },
  ],
};

/**
 * A stored policy with the fields later builds added filled in: a plan definition
 * stored before the review clock, 签收时限 or extension caps existed gets their defaults.
 */
export function policyWithDefaults<P extends { review?: unknown; acknowledge?: unknown; maxExtensions?: unknown }>(
  policy: P,
): P & { review: typeof DEFAULT_REVIEW; acknowledge: typeof DEFAULT_ACKNOWLEDGE; maxExtensions: number } {
  return { review: DEFAULT_REVIEW, acknowledge: DEFAULT_ACKNOWLEDGE, maxExtensions: DEFAULT_MAX_EXTENSIONS, ...policy };
}
