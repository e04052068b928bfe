import { sweepIdempotencyKeys } from '~/api/endpoint.server'
import { runTaskReminders, sweepReminderLeases } from './reminders.server'
import { runDailyRetention } from './retention.server'
import { startOutboxWorker, sweepSentMail } from '~/mail/outbox.server'
import { promoteFinishedProbations } from '~/partners/applications.server'
import { getLogger } from '~/utils/logger.server'
import { sweepRateLimits } from '~/utils/rate-limit.server'
import { startWebhookWorker, sweepWebhookRecords } from '~/webhooks/deliver.server'

const MINUTE = 60 * 1000
const HOUR = 60 * MINUTE

/**
 * Background work of an app server: mail and webhook delivery, probation ends, expired rate-limit windows and the
 * task reminders. Plain timers, not a scheduler library: the well-kept MongoDB-backed ones (Agenda,
 * Pulse) lock jobs with conditional findOneAndUpdate, which is not atomic on FerretDB (see
 * docs/decisions/0003-atomic-claims.md). Every server ticks; the reminder job's lease per 5-minute slot
 * lets one of them do the scan, and its dedupe keys make a second scan harmless anyway.
 */
export function startBackgroundJobs() {
  const stopOutbox = startOutboxWorker()
  const stopWebhooks = startWebhookWorker()
  const housekeeping = async () => {
    try {
      const promoted = await promoteFinishedProbations()
      const swept = await sweepRateLimits()
      const leases = await sweepReminderLeases()
      // Sent mail older than a week leaves the outbox, which every delivery pass scans.
      const sentMail = await sweepSentMail()
      // Finished webhook deliveries past retention, and spent attempt claims.
      const webhooks = await sweepWebhookRecords()
      // API answers remembered for Idempotency-Key retries, past their day.
      const idempotency = await sweepIdempotencyKeys()
      if (promoted || swept || leases || sentMail || webhooks || idempotency) {
        getLogger().info({ promoted, swept, leases, sentMail, webhooks, idempotency }, 'housekeeping')
      }
    } catch (error) {
      getLogger().warn({ err: error }, 'housekeeping failed')
    }
    // Retention review notices and the sweep, once a day across all servers (app/jobs/retention.server.ts).
    await runDailyRetention().then(
      (retention) => {
        if (retention.leased) getLogger().info(retention, 'retention run')
      },
      (error: unknown) => getLogger().warn({ err: error }, 'retention run failed'),
    )
  }
  let remindersRunning = false
  const reminders = async () => {
    // A slow scan is never overlapped by this server's next tick.
    if (remindersRunning) return
    remindersRunning = true
    try {
      const result = await runTaskReminders()
      if (result.dueSoon || result.overdue) getLogger().info(result, 'task reminders')
    } catch (error) {
      getLogger().warn({ err: error }, 'task reminders failed')
    } finally {
      remindersRunning = false
    }
  }
  void housekeeping()
  void reminders()
  const timer = setInterval(() => void housekeeping(), HOUR)
  timer.unref()
  const reminderTimer = setInterval(() => void reminders(), MINUTE)
  reminderTimer.unref()
  return () => {
    stopOutbox()
    stopWebhooks()
    clearInterval(timer)
    clearInterval(reminderTimer)
  }
}
