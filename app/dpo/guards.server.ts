import { forbidden, requireViewer } from '~/auth/guards.server'
import type { Viewer } from '~/policy/permissions'
import { canDpo, type DpoPermission } from './policy'

/** Signed in and holding the DPO permission; otherwise sign-in redirect or 403. */
export async function requireDpo(request: Request, permission: DpoPermission): Promise<Viewer> {
  const viewer = await requireViewer(request)
  if (!canDpo(viewer, permission)) throw forbidden()
  return viewer
}
