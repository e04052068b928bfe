import { apiRoute } from '~/api/endpoint.server'
import { listTasksEndpoint } from '~/api/tasks.server'

const route = apiRoute(listTasksEndpoint)
export const loader = route.loader
export const action = route.action
