import { ensureFerretDbBinary, ferretDbBinaryPath } from '../app/utils/ferretdb.server'

// Builds the embedded database once so that the first demo or test run does not wait for it.
await ensureFerretDbBinary()
console.info(`Embedded database ready: ${ferretDbBinaryPath()}`)
