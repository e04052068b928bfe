import { useRouteError } from '@remix-run/react'
import { ErrorPage } from '~/components/error-page'

export function loader() {
  throw new Response('Not found', { status: 404 })
}

export default function NotFound() {
  return null
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
