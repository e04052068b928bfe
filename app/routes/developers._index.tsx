import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { openApiDocument } from '~/api/openapi.server'
import { problemCodes, problemTitles, type ProblemCode } from '~/api/problem.server'
import { ApiText, CodeBlock, CollapsibleCode, DevelopersNav, linkClass, MethodBadge } from '~/components/developer-ui'
import { ErrorPage } from '~/components/error-page'
import { accessPurposes, apiScopes } from '~/domain/vocabulary'
import { getEnv } from '~/utils/env.server'
import { i18next } from '~/utils/i18next.server'

/** What this page reads of the document; a document that drifts from it fails here, not in the browser. */
const jsonSchemaObject = z.record(z.string(), z.unknown())
const operationShape = z.object({
  operationId: z.string(),
  tags: z.array(z.string()).min(1),
  summary: z.string(),
  description: z.string().optional(),
  'x-scope': z.string(),
  parameters: z.array(
    z.object({ name: z.string(), in: z.string(), required: z.boolean(), description: z.string().optional(), schema: jsonSchemaObject }),
  ),
  requestBody: z.object({ content: z.object({ 'application/json': z.object({ schema: jsonSchemaObject }) }) }).optional(),
  responses: z.record(
    z.string(),
    z.object({ description: z.string(), content: z.record(z.string(), z.object({ schema: jsonSchemaObject })).optional() }),
  ),
})
const tagShape = z.array(z.object({ name: z.string(), description: z.string().optional() }))

/**
 * Problems answered outside any one operation, so absent from the operations' responses: a method the
 * route does not take (apiRoute) and an unexpected server error (runEndpoint), both in endpoint.server.ts.
 */
const statusesOutsideOperations: Partial<Record<ProblemCode, number[]>> = { 'method-not-allowed': [405], 'service-unavailable': [500] }

const SAFE_INTEGER = Number.MAX_SAFE_INTEGER

/**
 * The schema as a person reads it: the generated regular expression of a date is dropped where its
 * `format` already says it, and so are the bounds that only say "an integer JavaScript can hold".
 */
function readableSchema(value: unknown, keysAreNames = false): unknown {
  if (Array.isArray(value)) return value.map((item) => readableSchema(item))
  if (typeof value !== 'object' || value === null) return value
  const entries = Object.entries(value)
  const format = entries.find(([key]) => key === 'format')?.[1]
  const out: Record<string, unknown> = {}
  for (const [key, item] of entries) {
    if (keysAreNames) {
      out[key] = readableSchema(item)
      continue
    }
    if (key === 'pattern' && typeof format === 'string') continue
    if ((key === 'minimum' && item === -SAFE_INTEGER) || (key === 'maximum' && item === SAFE_INTEGER)) continue
    out[key] = readableSchema(item, key === 'properties' || key === '$defs' || key === 'patternProperties')
  }
  return out
}

const pretty = (schema: Record<string, unknown>) => JSON.stringify(readableSchema(schema), null, 2)

/** The facts of a parameter's schema that fit in a table cell. */
function typeFacts(schema: Record<string, unknown>) {
  const text = (value: unknown) => (typeof value === 'string' ? value : null)
  const number = (value: unknown) => (typeof value === 'number' ? value : null)
  const format = text(schema.format)
  return {
    type: text(schema.type) ?? 'string',
    format,
    enumValues: Array.isArray(schema.enum) ? schema.enum.map(String) : [],
    defaultValue: schema.default === undefined ? null : JSON.stringify(schema.default),
    minimum: number(schema.minimum),
    maximum: number(schema.maximum),
    minLength: number(schema.minLength),
    maxLength: number(schema.maxLength),
    pattern: format ? null : text(schema.pattern),
  }
}

export type TypeFacts = ReturnType<typeof typeFacts>

const problemCodeIn = (description: string) =>
  [...description.matchAll(/\(`([a-z-]+)`\)/g)].map((match) => match[1]).filter((code): code is ProblemCode => problemCodes.includes(code as ProblemCode))

/** The API reference as plain data for the page, read from the OpenAPI document. */
function apiReference(document: ReturnType<typeof openApiDocument>) {
  const tags = tagShape.parse(document.tags)
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, raw]) => {
      const operation = operationShape.parse(raw)
      const responses = Object.entries(operation.responses).sort(([a], [b]) => Number(a) - Number(b))
      const success = responses.find(([status]) => Number(status) < 300)
      const successSchema = success?.[1].content?.['application/json']?.schema
      const requestSchema = operation.requestBody?.content['application/json'].schema
      return {
        anchor: `operation-${operation.operationId}`,
        operationId: operation.operationId,
        tag: operation.tags[0] ?? '',
        method: method.toUpperCase(),
        path,
        summary: operation.summary,
        description: operation.description ?? null,
        scope: operation['x-scope'],
        parameters: operation.parameters.map((parameter) => ({
          name: parameter.name,
          in: parameter.in,
          required: parameter.required,
          description: parameter.description ?? null,
          type: typeFacts(parameter.schema),
        })),
        requestBody: requestSchema ? pretty(requestSchema) : null,
        success: success
          ? { status: Number(success[0]), description: success[1].description, schema: successSchema ? pretty(successSchema) : null }
          : null,
        problems: responses
          .filter(([status]) => Number(status) >= 400)
          .flatMap(([status, response]) => problemCodeIn(response.description).map((code) => ({ status: Number(status), code }))),
      }
    }),
  )
  const problems = problemCodes.map((code) => {
    const statuses = new Set([
      ...operations.flatMap((operation) => operation.problems.filter((problem) => problem.code === code).map((problem) => problem.status)),
      ...(statusesOutsideOperations[code] ?? []),
    ])
    return { code, anchor: `problem-${code}`, title: problemTitles[code], statuses: [...statuses].sort((a, b) => a - b) }
  })
  return {
    info: { title: document.info.title, version: document.info.version, description: document.info.description },
    baseUrl: document.servers[0]?.url ?? '',
    tags: tags.map((tag) => ({
      name: tag.name,
      anchor: `tag-${tag.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
      description: tag.description ?? null,
      operations: operations.filter((operation) => operation.tag === tag.name),
    })),
    problems,
  }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const t = await i18next.getFixedT(request, 'developers')
  return {
    title: t('meta.reference'),
    ...apiReference(openApiDocument()),
    openApiUrl: '/api/v1/openapi.json',
    scopes: [...apiScopes],
    purposes: [...accessPurposes],
    rateLimit: getEnv().API_RATE_LIMIT_PER_MINUTE,
  }
}

type Reference = Awaited<ReturnType<typeof loader>>
type Operation = Reference['tags'][number]['operations'][number]

export default function DevelopersReference() {
  const { t } = useTranslation('developers')
  const { info, baseUrl, openApiUrl, tags } = useLoaderData<typeof loader>()
  return (
    <article aria-labelledby="reference-title" className="min-w-0 space-y-10">
      <DevelopersNav openApiUrl={openApiUrl} />
      <header className="space-y-3">
        <h1 id="reference-title" className="text-2xl font-bold tracking-tight sm:text-3xl">
          {t('reference.title')}
        </h1>
        <p className="text-sm text-slate-600">
          {info.title} · {t('reference.version', { version: info.version })}
        </p>
        <p className="max-w-3xl text-slate-700">{t('reference.lead')}</p>
        <p className="flex flex-wrap items-center gap-2 text-sm">
          <span className="font-medium">{t('reference.baseUrl')}</span>
          <code className="break-all rounded bg-slate-100 px-2 py-1 font-mono text-slate-800">{baseUrl}</code>
        </p>
        <p className="max-w-3xl text-sm text-slate-700">
          {t('reference.downloadBefore')}{' '}
          <a href={openApiUrl} className={linkClass}>
            {t('reference.downloadLink')}
          </a>{' '}
          {t('reference.guideBefore')}{' '}
          <Link to="/developers/guide" className={linkClass}>
            {t('reference.guideLink')}
          </Link>
        </p>
        <p className="max-w-3xl rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900">{t('reference.englishNote')}</p>
      </header>
      <Intro />
      <Contents />
      {tags.map((tag) => (
        <section key={tag.name} id={tag.anchor} aria-labelledby={`${tag.anchor}-title`} className="scroll-mt-4 space-y-6">
          <header className="border-b border-slate-300 pb-2">
            <h2 id={`${tag.anchor}-title`} className="text-xl font-bold tracking-tight">
              {tag.name}
            </h2>
            {tag.description ? (
              <p className="mt-1 text-slate-700">
                <ApiText text={tag.description} />
              </p>
            ) : null}
          </header>
          {tag.operations.map((operation) => (
            <OperationEntry key={operation.anchor} operation={operation} />
          ))}
        </section>
      ))}
      <Problems />
    </article>
  )
}

function Intro() {
  const { t } = useTranslation('developers')
  const { scopes, purposes, rateLimit } = useLoaderData<typeof loader>()
  const items = ['auth', 'scopes', 'paging', 'idempotency', 'rateLimit', 'problems', 'cardNumbers', 'tlpRed', 'purpose'] as const
  return (
    <section aria-labelledby="intro-title" className="space-y-4">
      <h2 id="intro-title" className="text-xl font-bold tracking-tight">
        {t('reference.intro.title')}
      </h2>
      <div className="grid gap-4 md:grid-cols-2">
        {items.map((item) => (
          <section key={item} aria-labelledby={`intro-${item}`} className="rounded-lg border border-slate-200 bg-white p-4">
            <h3 id={`intro-${item}`} className="font-semibold">
              {t(`reference.intro.${item}.title`)}
            </h3>
            <p className="mt-1 text-sm text-slate-700">
              <ApiText text={t(`reference.intro.${item}.body`, { limit: rateLimit, purposes: purposes.map((purpose) => `\`${purpose}\``).join(', ') })} />
            </p>
            {item === 'auth' ? (
              <div className="mt-2">
                <CodeBlock code={'Authorization: Bearer pcp_XXXXXXXXXXXX_…'} label={t('reference.intro.auth.title')} language="http" />
              </div>
            ) : null}
            {item === 'scopes' ? (
              <ul className="mt-2 flex flex-wrap gap-1.5" aria-label={t('reference.intro.scopes.title')}>
                {scopes.map((scope) => (
                  <li key={scope}>
                    <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800">{scope}</code>
                  </li>
                ))}
              </ul>
            ) : null}
          </section>
        ))}
      </div>
    </section>
  )
}

function Contents() {
  const { t } = useTranslation('developers')
  const { tags } = useLoaderData<typeof loader>()
  return (
    <nav aria-labelledby="contents-title" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="contents-title" className="text-lg font-bold tracking-tight">
        {t('reference.contents')}
      </h2>
      <ul className="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {tags.map((tag) => (
          <li key={tag.name}>
            <a href={`#${tag.anchor}`} className={linkClass}>
              {tag.name}
            </a>
            <ul className="mt-2 space-y-1.5">
              {tag.operations.map((operation) => (
                <li key={operation.anchor} className="flex min-w-0 items-start gap-2 text-sm">
                  <MethodBadge method={operation.method} />
                  <a href={`#${operation.anchor}`} className={`min-w-0 break-all font-mono text-xs sm:text-sm ${linkClass}`}>
                    {operation.path}
                  </a>
                </li>
              ))}
            </ul>
          </li>
        ))}
        <li>
          <a href="#problems" className={linkClass}>
            {t('reference.problems.title')}
          </a>
        </li>
      </ul>
    </nav>
  )
}

function OperationEntry({ operation }: { operation: Operation }) {
  const { t } = useTranslation('developers')
  return (
    <section id={operation.anchor} aria-labelledby={`${operation.anchor}-title`} className="scroll-mt-4 space-y-4 rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
      <header className="space-y-2">
        <h3 id={`${operation.anchor}-title`} className="flex min-w-0 flex-wrap items-center gap-2 text-base font-semibold">
          <MethodBadge method={operation.method} />
          <a href={`#${operation.anchor}`} className="min-w-0 break-all font-mono text-slate-900 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700">
            {operation.path}
          </a>
        </h3>
        <p className="font-medium text-slate-800">
          <ApiText text={operation.summary} />
        </p>
        {operation.description ? (
          <p className="text-sm text-slate-700">
            <ApiText text={operation.description} />
          </p>
        ) : null}
        <dl className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
          <div className="flex gap-2">
            <dt className="text-slate-600">{t('reference.operation.scope')}</dt>
            <dd>
              <code className="rounded bg-amber-50 px-1.5 py-0.5 font-mono text-xs text-amber-900 ring-1 ring-amber-200">{operation.scope}</code>
            </dd>
          </div>
          <div className="flex gap-2">
            <dt className="text-slate-600">{t('reference.operation.operationId')}</dt>
            <dd>
              <code className="font-mono text-xs">{operation.operationId}</code>
            </dd>
          </div>
        </dl>
      </header>

      <div className="space-y-2">
        <h4 className="text-sm font-semibold uppercase tracking-wide text-slate-600">{t('reference.operation.parameters')}</h4>
        {operation.parameters.length === 0 ? (
          <p className="text-sm text-slate-600">{t('reference.operation.noParameters')}</p>
        ) : (
          <ParametersTable operation={operation} />
        )}
      </div>

      {operation.requestBody ? (
        <div className="space-y-2">
          <h4 className="text-sm font-semibold uppercase tracking-wide text-slate-600">{t('reference.operation.requestBody')}</h4>
          <CollapsibleCode
            summary={t('reference.operation.showSchema')}
            code={operation.requestBody}
            label={t('reference.operation.requestSchemaLabel', { operation: operation.operationId })}
          />
        </div>
      ) : null}

      {operation.success ? (
        <div className="space-y-2">
          <h4 className="text-sm font-semibold uppercase tracking-wide text-slate-600">{t('reference.operation.success', { status: operation.success.status })}</h4>
          <p className="text-sm text-slate-700">
            <ApiText text={operation.success.description} />
          </p>
          {operation.success.schema ? (
            <CollapsibleCode
              summary={t('reference.operation.showSchema')}
              code={operation.success.schema}
              label={t('reference.operation.responseSchemaLabel', { operation: operation.operationId })}
            />
          ) : null}
        </div>
      ) : null}

      <div className="space-y-2">
        <h4 className="text-sm font-semibold uppercase tracking-wide text-slate-600">{t('reference.operation.problems')}</h4>
        <ul className="flex flex-wrap gap-2 text-sm">
          {operation.problems.map((problem) => (
            <li key={`${problem.status}-${problem.code}`}>
              <a
                href={`#problem-${problem.code}`}
                className="inline-flex items-center gap-1.5 rounded border border-slate-200 bg-slate-50 px-2 py-1 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
              >
                <span className="font-mono text-xs font-bold text-red-800">{problem.status}</span>
                <span className="font-mono text-xs text-slate-800">{problem.code}</span>
              </a>
            </li>
          ))}
        </ul>
      </div>
    </section>
  )
}

function ParametersTable({ operation }: { operation: Operation }) {
  const { t } = useTranslation('developers')
  return (
    <div className="overflow-x-auto rounded-md border border-slate-200" tabIndex={0} role="region" aria-label={t('reference.operation.parametersOf', { operation: operation.operationId })}>
      <table className="min-w-full divide-y divide-slate-200 text-left text-sm">
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2 font-semibold">
              {t('reference.operation.name')}
            </th>
            <th scope="col" className="px-3 py-2 font-semibold">
              {t('reference.operation.in')}
            </th>
            <th scope="col" className="px-3 py-2 font-semibold">
              {t('reference.operation.required')}
            </th>
            <th scope="col" className="px-3 py-2 font-semibold">
              {t('reference.operation.type')}
            </th>
            <th scope="col" className="px-3 py-2 font-semibold">
              {t('reference.operation.description')}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {operation.parameters.map((parameter) => (
            <tr key={`${parameter.in}-${parameter.name}`} className="align-top">
              <th scope="row" className="whitespace-nowrap px-3 py-2 font-mono text-xs font-semibold text-slate-900">
                {parameter.name}
              </th>
              <td className="px-3 py-2 font-mono text-xs text-slate-700">{parameter.in}</td>
              <td className="px-3 py-2">{parameter.required ? t('reference.operation.yes') : t('reference.operation.no')}</td>
              <td className="min-w-48 px-3 py-2">
                <TypeCell facts={parameter.type} />
              </td>
              <td className="min-w-64 px-3 py-2 text-slate-700">{parameter.description ? <ApiText text={parameter.description} /> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function TypeCell({ facts }: { facts: TypeFacts }) {
  const { t } = useTranslation('developers')
  const notes: string[] = []
  if (facts.minimum !== null && facts.maximum !== null) notes.push(t('reference.types.range', { min: facts.minimum, max: facts.maximum }))
  else if (facts.minimum !== null) notes.push(t('reference.types.minimum', { value: facts.minimum }))
  else if (facts.maximum !== null) notes.push(t('reference.types.maximum', { value: facts.maximum }))
  if (facts.minLength !== null) notes.push(t('reference.types.minLength', { value: facts.minLength }))
  if (facts.maxLength !== null) notes.push(t('reference.types.maxLength', { value: facts.maxLength }))
  if (facts.defaultValue !== null) notes.push(t('reference.types.default', { value: facts.defaultValue }))
  return (
    <div className="space-y-1">
      <code className="font-mono text-xs text-slate-900">
        {facts.type}
        {facts.format ? ` (${facts.format})` : ''}
      </code>
      {notes.length > 0 ? <p className="text-xs text-slate-600">{notes.join(' · ')}</p> : null}
      {facts.enumValues.length > 0 ? (
        <p className="text-xs text-slate-600">
          {t('reference.types.oneOf')}{' '}
          {facts.enumValues.map((value, index) => (
            <span key={value}>
              {index > 0 ? ', ' : ''}
              <code className="font-mono text-slate-800">{value}</code>
            </span>
          ))}
        </p>
      ) : null}
      {facts.pattern ? (
        <p className="text-xs text-slate-600">
          {t('reference.types.pattern')} <code className="break-all font-mono text-slate-800">{facts.pattern}</code>
        </p>
      ) : null}
    </div>
  )
}

function Problems() {
  const { t } = useTranslation('developers')
  const { problems, purposes } = useLoaderData<typeof loader>()
  return (
    <section id="problems" aria-labelledby="problems-title" className="scroll-mt-4 space-y-4">
      <header className="border-b border-slate-300 pb-2">
        <h2 id="problems-title" className="text-xl font-bold tracking-tight">
          {t('reference.problems.title')}
        </h2>
        <p className="mt-1 max-w-3xl text-slate-700">
          <ApiText text={t('reference.problems.intro')} />
        </p>
      </header>
      <CodeBlock
        label={t('reference.problems.exampleLabel')}
        language="json"
        code={JSON.stringify(
          {
            type: '…/developers#problem-invalid-request',
            title: 'The request does not validate',
            status: 422,
            errors: [{ path: 'body.actions.0.quantity', code: 'too_small' }],
          },
          null,
          2,
        )}
      />
      <ul className="grid gap-3 md:grid-cols-2">
        {problems.map((problem) => (
          <li key={problem.code} id={problem.anchor} className="scroll-mt-4 rounded-lg border border-slate-200 bg-white p-4">
            <h3 className="flex flex-wrap items-baseline gap-2">
              <a
                href={`#${problem.anchor}`}
                className="font-mono text-sm font-bold text-slate-900 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
              >
                {problem.code}
              </a>
            </h3>
            <p className="mt-1 text-sm font-medium text-slate-800">{problem.title}</p>
            <dl className="mt-2 space-y-1 text-sm">
              <div className="flex flex-wrap gap-2">
                <dt className="text-slate-600">{t('reference.problems.statuses')}</dt>
                <dd className="font-mono text-xs font-bold text-red-800">{problem.statuses.join(', ')}</dd>
              </div>
              <div>
                <dt className="text-slate-600">{t('reference.problems.whatToDo')}</dt>
                <dd className="text-slate-800">
                  <ApiText text={t(`problems.${problem.code}`, { purposes: purposes.map((purpose) => `\`${purpose}\``).join(', ') })} />
                </dd>
              </div>
            </dl>
          </li>
        ))}
      </ul>
    </section>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
