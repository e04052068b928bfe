import { apiRoute } from '~/api/endpoint.server'
import { submitReportEndpoint } from '~/api/tasks.server'

const route = apiRoute(submitReportEndpoint)
export const loader = route.loader
export const action = route.action
