/** Replaces any secret value (and its Basic-auth and URL-encoded forms) found in text. */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text
  for (const s of secrets) {
    if (!s || s.length < 4) continue
    for (const form of new Set([s, urlEncoded(s), Buffer.from(s).toString('base64')])) {
      out = out.split(form).join('[redacted]')
    }
  }
  return out
}

/** The URL-encoded form, or the value itself when it has a lone surrogate (encodeURIComponent throws). */
function urlEncoded(s: string): string {
  try {
    return encodeURIComponent(s)
  } catch {
    return s
  }
}
