import fs from 'node:fs'
import path from 'node:path'
import getPort from 'get-port'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export type ReceivedMail = { id: string; to: string[]; from: string; subject: string; text: string; receivedAt: string }

/**
 * A real SMTP server on loopback that keeps every message it receives as a JSON file in `dir`: the
 * demo's mailbox and the tests' inbox.
 */
export async function startSmtpSink({ dir }: { dir: string }) {
  fs.mkdirSync(dir, { recursive: true })
  let counter = 0
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 1024 * 1024,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const receivedAt = new Date()
          const id = `${receivedAt.getTime()}-${process.pid}-${++counter}`
          const mail: ReceivedMail = {
            id,
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            receivedAt: receivedAt.toISOString(),
          }
          // Write then rename: a reader never sees a half-written message.
          const file = path.join(dir, `${id}.json`)
          fs.writeFileSync(`${file}.part`, JSON.stringify(mail))
          fs.renameSync(`${file}.part`, file)
          callback()
        })
        .catch((error: Error) => callback(error))
    },
  })
  const port = await getPort({ host: '127.0.0.1' })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  return {
    url: `smtp://127.0.0.1:${port}`,
    dir,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** Messages in a sink's folder, newest first, optionally only those sent to `to`. */
export function readMailbox(dir: string, to?: string): ReceivedMail[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .flatMap((file) => {
      try {
        return [JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as ReceivedMail]
      } catch {
        return []
      }
    })
    .filter((mail) => !to || mail.to.includes(to.toLowerCase()))
    .sort((a, b) => (a.id < b.id ? 1 : -1))
}
