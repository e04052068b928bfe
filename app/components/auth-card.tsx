/** The narrow centred card that sign-in, enrolment and reset pages share. */
export function AuthCard({ title, intro, children }: { title: string; intro?: React.ReactNode; children: React.ReactNode }) {
  return (
    <section aria-labelledby="auth-title" className="mx-auto w-full max-w-md rounded-lg border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 id="auth-title" className="text-2xl font-bold tracking-tight">
        {title}
      </h1>
      {intro ? <div className="mt-2 text-sm text-slate-600">{intro}</div> : null}
      <div className="mt-6">{children}</div>
    </section>
  )
}
