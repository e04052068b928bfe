import { apiRoute } from '~/api/endpoint.server'
import { acknowledgeTaskEndpoint } from '~/api/tasks.server'

const route = apiRoute(acknowledgeTaskEndpoint)
export const loader = route.loader
export const action = route.action
