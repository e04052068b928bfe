import { can, type Viewer } from '~/policy/permissions'

/** The data-protection officer's permissions. */
export type DpoPermission = 'dpo:view' | 'retention:configure'

/** Whether the viewer holds a DPO permission; the server guard and the UI both ask this. */
export function canDpo(viewer: Pick<Viewer, 'roles' | 'organisationStatus'> | null | undefined, permission: DpoPermission): boolean {
  return can(viewer, permission)
}
