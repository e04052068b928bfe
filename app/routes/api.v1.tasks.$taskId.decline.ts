import { apiRoute } from '~/api/endpoint.server'
import { declineTaskEndpoint } from '~/api/tasks.server'

const route = apiRoute(declineTaskEndpoint)
export const loader = route.loader
export const action = route.action
