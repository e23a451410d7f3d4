/**
 * The default escalation ladder: section 五(四) of a district plan, as DOMAIN.md
 * tabulates it. Each rung adds people to the notice; grace is the rectification
 * period before the next rung. Plans may override it; a running task keeps the copy
 * it was activated with, so editing a policy never changes ladders already climbing.
 */
export const DEFAULT_ESCALATION = {
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
