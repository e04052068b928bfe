import { openTaskStatuses, type TaskStatus } from '~/domain/vocabulary'
import type { Permission } from '~/policy/permissions'

/**
 * The task lifecycle, in one place. Each transition says from which states it may happen, where it
 * leads, which side may make it (the owning centre or the assigned partner) and what it must carry.
 */
export const taskTransitions = {
  assign: { from: ['draft', 'declined'], to: 'assigned', side: 'centre', needs: null },
  acknowledge: { from: ['assigned'], to: 'acknowledged', side: 'partner', needs: null },
  start: { from: ['acknowledged', 'returned'], to: 'in_progress', side: 'partner', needs: null },
  decline: { from: ['assigned', 'acknowledged'], to: 'declined', side: 'partner', needs: 'reason' },
  report: { from: ['acknowledged', 'in_progress', 'returned'], to: 'reported', side: 'partner', needs: null },
  verify: { from: ['reported'], to: 'verified', side: 'centre', needs: null },
  return: { from: ['reported'], to: 'returned', side: 'centre', needs: 'comment' },
  close: { from: ['verified'], to: 'closed', side: 'centre', needs: null },
  notApplicable: { from: ['assigned', 'acknowledged', 'in_progress', 'returned'], to: 'not_applicable', side: 'partner', needs: 'reason' },
  cancel: { from: openTaskStatuses, to: 'cancelled', side: 'centre', needs: null },
} as const satisfies Record<
  string,
  { from: readonly TaskStatus[]; to: TaskStatus; side: 'centre' | 'partner'; needs: 'reason' | 'comment' | null }
>

export type TaskTransition = keyof typeof taskTransitions

export function isTransition(value: unknown): value is TaskTransition {
  return typeof value === 'string' && Object.hasOwn(taskTransitions, value)
}

export function canTransition(status: TaskStatus, transition: TaskTransition) {
  return (taskTransitions[transition].from as readonly TaskStatus[]).includes(status)
}

/** The transitions open to one side from a state: what the page offers as buttons. */
export function transitionsFrom(status: TaskStatus, side: 'centre' | 'partner'): TaskTransition[] {
  return (Object.keys(taskTransitions) as TaskTransition[]).filter(
    (transition) => taskTransitions[transition].side === side && canTransition(status, transition) && transition !== 'report',
  )
}

/** The permission a transition asks of the person making it (the page and the server both ask this). */
export function transitionPermission(transition: TaskTransition): Permission {
  if (taskTransitions[transition].side === 'partner') return 'task:work'
  return transition === 'verify' || transition === 'return' ? 'task:verify' : 'task:assign'
}

export const isOpenStatus = (status: TaskStatus) => (openTaskStatuses as readonly TaskStatus[]).includes(status)

/** Counts as done for completion: verified, closed or not applicable. */
export const doneStatuses = ['verified', 'closed', 'not_applicable'] as const satisfies readonly TaskStatus[]
