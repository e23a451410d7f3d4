/**
 * The responsibility chain of a task, resolved to people: who is the department
 * head, who is in the leadership group. Pure: reads only the plan definition.
 */
import type { ChainRoleT, PlanDefinition, TaskDefinition } from './plan.schema.js';

export interface Recipient {
  id: string;
  name: string;
  roles: ChainRoleT[];
}

/** The person ids a chain role stands for on one task (plan-wide roles need no task). */
export function peopleInRole(plan: PlanDefinition, task: TaskDefinition | null, role: ChainRoleT): string[] {
  const g = plan.leadershipGroup;
  const headOf = (unitId: string) => plan.units.find((u) => u.id === unitId)?.head;
  switch (role) {
    case 'responsiblePerson':
      return task ? [task.responsiblePerson] : [];
    case 'departmentHead': {
      const head = task ? headOf(task.leadDepartment) : undefined;
      return head ? [head] : [];
    }
    case 'responsibleLeader':
      return task ? [task.responsibleLeader] : [];
    case 'groupLeader':
      return [g.leader];
    case 'leadershipGroup':
      return [g.leader, ...g.deputies, ...g.members];
    case 'cooperatingUnits':
      return task ? task.cooperatingUnits.map(headOf).filter((h): h is string => h !== undefined) : [];
    case 'office':
      return [...(g.office.director ? [g.office.director] : []), ...g.office.members];
  }
}

/** People to notify for `roles`, each once, with every role they hold here. */
export function resolveRecipients(plan: PlanDefinition, task: TaskDefinition | null, roles: readonly ChainRoleT[]): Recipient[] {
  const byId = new Map<string, Recipient>();
  for (const role of roles) {
    for (const id of peopleInRole(plan, task, role)) {
      const existing = byId.get(id);
      if (existing) {
        if (!existing.roles.includes(role)) existing.roles.push(role);
      } else {
        byId.set(id, { id, name: plan.people.find((p) => p.id === id)?.name ?? id, roles: [role] });
      }
    }
  }
  return [...byId.values()];
}

/** The task's chain, bottom to top, with names: what a task page shows. */
export function describeChain(plan: PlanDefinition, task: TaskDefinition) {
  const person = (id: string | undefined) => (id ? { id, name: plan.people.find((p) => p.id === id)?.name ?? id } : null);
  const unit = (id: string) => ({ id, name: plan.units.find((u) => u.id === id)?.name ?? id });
  const head = plan.units.find((u) => u.id === task.leadDepartment)?.head;
  return {
    responsiblePerson: person(task.responsiblePerson),
    leadDepartment: unit(task.leadDepartment),
    departmentHead: person(head),
    responsibleLeader: person(task.responsibleLeader),
    groupLeader: person(plan.leadershipGroup.leader),
    cooperatingUnits: task.cooperatingUnits.map(unit),
  };
}
