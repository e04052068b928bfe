import MarkdownIt from 'markdown-it'

/**
 * Task descriptions are Markdown written by centre staff. They are rendered on the server into a
 * small, safe subset of HTML: raw HTML is escaped (`html: false`), bare URLs stay text (`linkify:
 * false`), links lose their target (the text and the address are shown as plain text, never as a
 * clickable link to an outside site) and images become their alternative text (no imagery, ever).
 */
const markdown = new MarkdownIt('default', { html: false, linkify: false, typographer: false, breaks: true })

const escape = markdown.utils.escapeHtml

// Rendering is synchronous: the addresses of the links being rendered, innermost last.
const openLinks: string[] = []

markdown.renderer.rules.link_open = (tokens, index) => {
  openLinks.push(String(tokens[index]?.attrGet('href') ?? ''))
  return ''
}

markdown.renderer.rules.link_close = (tokens, index) => {
  const href = openLinks.pop() ?? ''
  // An autolink's text is its address already; other links show where they pointed, as text.
  const autolink = tokens[index]?.markup === 'autolink'
  return href && !autolink ? ` <span class="task-link-target">(${escape(href)})</span>` : ''
}

markdown.renderer.rules.image = (tokens, index, options, env) => {
  const alt = markdown.renderer.renderInlineAsText(tokens[index]?.children ?? [], options, env)
  return alt ? `<span class="task-image-text">[${escape(alt)}]</span>` : ''
}

// The page already has its own h1 and h2: description headings start at h3.
markdown.core.ruler.push('shift_headings', (state) => {
  for (const token of state.tokens) {
    if (token.type === 'heading_open' || token.type === 'heading_close') {
      const level = Number(token.tag.slice(1))
      token.tag = `h${Math.min(level + 2, 6)}`
    }
  }
})

/** The description as safe HTML for the task page. */
export function renderTaskMarkdown(source: string): string {
  if (!source.trim()) return ''
  openLinks.length = 0
  return markdown.render(source)
}
