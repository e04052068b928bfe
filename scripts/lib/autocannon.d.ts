/**
 * The part of autocannon 9's programmatic API the load scripts use (the package ships no types).
 * See node_modules/autocannon/README.md: `requests`, `setupRequest`, `onResponse`, the `response`
 * and `reqError` events and `stop()`.
 */
declare module 'autocannon' {
  namespace autocannon {
    type Context = Record<string, unknown>

    interface RequestSpec {
      method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD'
      path?: string
      headers?: Record<string, string>
      body?: string | Buffer
      /** Called before each request; returns the request to send (null skips to the next one). */
      setupRequest?: (request: RequestSpec, context: Context) => RequestSpec | null | undefined
      onResponse?: (status: number, body: string, context: Context, headers: Record<string, string>) => void
    }

    interface Options {
      url: string
      connections?: number
      /** Seconds. */
      duration?: number
      amount?: number
      /** Requests per second across all connections. */
      overallRate?: number
      /** Seconds before a request counts as timed out. */
      timeout?: number
      pipelining?: number
      requests?: RequestSpec[]
      headers?: Record<string, string>
    }

    interface Histogram {
      average: number
      mean: number
      stddev: number
      min: number
      max: number
      p50: number
      p90: number
      p97_5: number
      p99: number
    }

    interface Result {
      requests: Histogram
      latency: Histogram
      throughput: Histogram
      errors: number
      timeouts: number
      non2xx: number
      duration: number
      '1xx': number
      '2xx': number
      '3xx': number
      '4xx': number
      '5xx': number
    }

    interface Instance {
      stop(): void
      on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): this
      on(event: 'reqError', listener: (error: Error) => void): this
      on(event: 'done', listener: (result: Result) => void): this
    }
  }

  function autocannon(options: autocannon.Options, callback: (error: Error | null, result: autocannon.Result) => void): autocannon.Instance
  export = autocannon
}
