import { apiRoute } from '~/api/endpoint.server'
import { getTaskEndpoint } from '~/api/tasks.server'

const route = apiRoute(getTaskEndpoint)
export const loader = route.loader
export const action = route.action
