import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ApiText, CodeBlock, DevelopersNav, linkClass } from '~/components/developer-ui'
import { ErrorPage } from '~/components/error-page'
import { webhookEvents } from '~/domain/vocabulary'
import { publicUrl } from '~/utils/env.server'
import { i18next } from '~/utils/i18next.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const t = await i18next.getFixedT(request, 'developers')
  return { title: t('meta.guide'), apiUrl: `${publicUrl()}/api/v1`, openApiUrl: '/api/v1/openapi.json', events: [...webhookEvents] }
}

// Example identifiers: the shapes are real, the values are made up.
const TASK_ID = '6650f3a2c1d4e5f6a7b8c9d0'
const INITIATIVE_ID = '6650f1e9c1d4e5f6a7b8c900'

/** The samples are code: never translated, built around this server's own address. */
function samples(apiUrl: string) {
  return {
    setup: `# The key is shown once, when it is created: keep it in your secret store.
export PCP_KEY='pcp_XXXXXXXXXXXX_…'
export PCP_API='${apiUrl}'`,
    poll: `curl -sS "$PCP_API/tasks?status=assigned&limit=50" \\
  -H "Authorization: Bearer $PCP_KEY"`,
    pollAnswer: `{
  "data": [
    {
      "id": "${TASK_ID}",
      "title": "Block the storefront URLs",
      "status": "assigned",
      "priority": "high",
      "tlp": "AMBER",
      "dueAt": "2026-12-06T17:00:00.000Z",
      "initiativeId": "${INITIATIVE_ID}",
      "url": "${apiUrl.replace(/\/api\/v1$/, '')}/tasks/${TASK_ID}",
      "…": "…"
    }
  ],
  "next": null
}`,
    acknowledge: `TASK=${TASK_ID}
ACK_KEY=$(uuidgen)   # keep it: a retry sends the same one

curl -sS -X POST "$PCP_API/tasks/$TASK/acknowledge" \\
  -H "Authorization: Bearer $PCP_KEY" \\
  -H "Idempotency-Key: $ACK_KEY"`,
    report: `REPORT_KEY=$(uuidgen)

curl -sS -X POST "$PCP_API/tasks/$TASK/reports" \\
  -H "Authorization: Bearer $PCP_KEY" \\
  -H "Content-Type: application/json" \\
  -H "Idempotency-Key: $REPORT_KEY" \\
  -d '{"actions":[{"type":"url_blocked","quantity":120,"actionDate":"2026-11-29"}]}'`,
    reportAnswer: `HTTP/1.1 201 Created
{
  "report": { "version": 1 },
  "task": { "id": "${TASK_ID}", "status": "reported", "…": "…" }
}`,
    delta: `SINCE='2026-11-29T00:00:00Z'   # the largest updatedAt of your last sync
NEXT=''
while :; do
  PAGE=$(curl -sS -G "$PCP_API/tasks" \\
    -H "Authorization: Bearer $PCP_KEY" \\
    --data-urlencode "updated_since=$SINCE" \\
    --data-urlencode "limit=200" \\
    \${NEXT:+--data-urlencode "next=$NEXT"})
  echo "$PAGE" | jq -c '.data[] | {id, status, updatedAt}'
  NEXT=$(echo "$PAGE" | jq -r '.next // empty')
  [ -z "$NEXT" ] && break
done`,
    initiative: `curl -sS "$PCP_API/initiatives/${INITIATIVE_ID}" \\
  -H "Authorization: Bearer $PCP_KEY" | jq '.progress'`,
    initiativeAnswer: `{
  "completion": { "done": 1, "total": 4, "notApplicable": 0, "percent": 25, "rule": "excludeNotApplicable" },
  "kpis": [
    { "actionType": "url_blocked", "target": 240, "achieved": 120, "percent": 50 }
  ],
  "overdueTasks": 0
}`,
    node: `// npm install standardwebhooks
import { createServer } from 'node:http'
import { Webhook } from 'standardwebhooks'

const webhook = new Webhook(process.env.PCP_WEBHOOK_SECRET) // whsec_…
const seen = new Set() // keep these in your database: a delivery may come twice

createServer(async (request, response) => {
  const chunks = []
  for await (const chunk of request) chunks.push(chunk)
  const body = Buffer.concat(chunks).toString('utf8') // the raw body, exactly as received
  let event
  try {
    // Checks webhook-signature over webhook-id, webhook-timestamp and the body; refuses stale timestamps.
    event = webhook.verify(body, request.headers)
  } catch {
    response.writeHead(400).end()
    return
  }
  const id = request.headers['webhook-id']
  if (!seen.has(id)) {
    seen.add(id)
    console.log(event.type, event.data) // e.g. task.assigned { id, … }
  }
  response.writeHead(204).end()
}).listen(8080)`,
    shell: `# The three headers of the delivery, and its raw body saved byte for byte in body.json
WEBHOOK_ID='msg_…'
WEBHOOK_TIMESTAMP='1764410400'
WEBHOOK_SIGNATURE='v1,…'
SECRET='whsec_…'

KEY_HEX=$(printf '%s' "\${SECRET#whsec_}" | openssl base64 -d -A | od -An -v -tx1 | tr -d ' \\n')
EXPECTED=$( { printf '%s.%s.' "$WEBHOOK_ID" "$WEBHOOK_TIMESTAMP"; cat body.json; } \\
  | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$KEY_HEX" -binary | openssl base64 -A)

NOW=$(date +%s)
if [ $((NOW - WEBHOOK_TIMESTAMP)) -gt 300 ] || [ $((WEBHOOK_TIMESTAMP - NOW)) -gt 300 ]; then
  echo 'timestamp too old or in the future' >&2; exit 1
fi
# The header may carry several space-separated signatures (while a secret is being rotated).
case " $WEBHOOK_SIGNATURE " in
  *" v1,$EXPECTED "*) echo 'signature valid' ;;
  *) echo 'signature invalid' >&2; exit 1 ;;
esac`,
  }
}

export default function DevelopersGuide() {
  const { t } = useTranslation('developers')
  const { apiUrl, openApiUrl, events } = useLoaderData<typeof loader>()
  const code = samples(apiUrl)
  const eventList = events.map((event) => `\`${event}\``).join(', ')
  return (
    <article aria-labelledby="guide-title" className="min-w-0 space-y-10">
      <DevelopersNav openApiUrl={openApiUrl} />
      <header className="max-w-3xl space-y-3">
        <h1 id="guide-title" className="text-2xl font-bold tracking-tight sm:text-3xl">
          {t('guide.title')}
        </h1>
        <p className="text-slate-700">{t('guide.lead')}</p>
        <p className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900">
          <ApiText text={t('guide.codeNote')} />
        </p>
      </header>

      <Step id="key" title={t('guide.steps.key.title')}>
        <p>
          <ApiText text={t('guide.steps.key.body')} />
        </p>
        <p>
          <Link to="/integrations" className={linkClass}>
            {t('guide.steps.key.link')}
          </Link>
        </p>
        <CodeBlock code={code.setup} label={t('guide.steps.key.title')} language="sh" />
      </Step>

      <Step id="poll" title={t('guide.steps.poll.title')}>
        <p>
          <ApiText text={t('guide.steps.poll.body')} />
        </p>
        <CodeBlock code={code.poll} label={t('guide.steps.poll.title')} language="sh" />
        <p className="text-sm text-slate-600">{t('guide.answer')}</p>
        <CodeBlock code={code.pollAnswer} label={t('guide.answerLabel', { step: t('guide.steps.poll.title') })} language="json" />
      </Step>

      <Step id="acknowledge" title={t('guide.steps.acknowledge.title')}>
        <p>
          <ApiText text={t('guide.steps.acknowledge.body')} />
        </p>
        <CodeBlock code={code.acknowledge} label={t('guide.steps.acknowledge.title')} language="sh" />
      </Step>

      <Step id="report" title={t('guide.steps.report.title')}>
        <p>
          <ApiText text={t('guide.steps.report.body')} />
        </p>
        <CodeBlock code={code.report} label={t('guide.steps.report.title')} language="sh" />
        <p className="text-sm text-slate-600">{t('guide.answer')}</p>
        <CodeBlock code={code.reportAnswer} label={t('guide.answerLabel', { step: t('guide.steps.report.title') })} language="http" />
      </Step>

      <Step id="delta" title={t('guide.steps.delta.title')}>
        <p>
          <ApiText text={t('guide.steps.delta.body')} />
        </p>
        <CodeBlock code={code.delta} label={t('guide.steps.delta.title')} language="sh" />
      </Step>

      <Step id="initiative" title={t('guide.steps.initiative.title')}>
        <p>
          <ApiText text={t('guide.steps.initiative.body')} />
        </p>
        <CodeBlock code={code.initiative} label={t('guide.steps.initiative.title')} language="sh" />
        <p className="text-sm text-slate-600">{t('guide.answer')}</p>
        <CodeBlock code={code.initiativeAnswer} label={t('guide.answerLabel', { step: t('guide.steps.initiative.title') })} language="json" />
      </Step>

      <Step id="webhook" title={t('guide.steps.webhook.title')}>
        <p>
          <ApiText text={t('guide.steps.webhook.body', { events: eventList })} />
        </p>
        <p>
          <ApiText text={t('guide.steps.webhook.checks')} />
        </p>
        <h3 className="pt-2 font-semibold">{t('guide.steps.webhook.nodeTitle')}</h3>
        <CodeBlock code={code.node} label={t('guide.steps.webhook.nodeTitle')} language="js" />
        <h3 className="pt-2 font-semibold">{t('guide.steps.webhook.shellTitle')}</h3>
        <p>
          <ApiText text={t('guide.steps.webhook.shellBody')} />
        </p>
        <CodeBlock code={code.shell} label={t('guide.steps.webhook.shellTitle')} language="sh" />
      </Step>

      <p className="max-w-3xl text-slate-700">
        {t('guide.more')}{' '}
        <Link to="/developers" className={linkClass}>
          {t('guide.moreLink')}
        </Link>
      </p>
    </article>
  )
}

function Step({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section id={id} aria-labelledby={`${id}-title`} className="min-w-0 scroll-mt-4 space-y-3">
      <h2 id={`${id}-title`} className="text-xl font-bold tracking-tight">
        <a href={`#${id}`} className="hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700">
          {title}
        </a>
      </h2>
      <div className="max-w-3xl space-y-3 text-slate-700">{children}</div>
    </section>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
