import { startOutboxWorker } from '~/mail/outbox.server'
import { promoteFinishedProbations } from '~/partners/applications.server'
import { getLogger } from '~/utils/logger.server'
import { sweepRateLimits } from '~/utils/rate-limit.server'

const HOUR = 60 * 60 * 1000

/** Background work of an app server: mail delivery, probation ends, expired rate-limit windows. */
export function startBackgroundJobs() {
  const stopOutbox = startOutboxWorker()
  const housekeeping = async () => {
    try {
      const promoted = await promoteFinishedProbations()
      const swept = await sweepRateLimits()
      if (promoted || swept) getLogger().info({ promoted, swept }, 'housekeeping')
    } catch (error) {
      getLogger().warn({ err: error }, 'housekeeping failed')
    }
  }
  void housekeeping()
  const timer = setInterval(() => void housekeeping(), HOUR)
  timer.unref()
  return () => {
    stopOutbox()
    clearInterval(timer)
  }
}
