import type { Language } from './translate'

/**
 * French for the built-in tools' titles, descriptions and argument descriptions. The bridge serves them in English (the
 * model reads them); the UI shows them in the user's language. Each English template of
 * electron/core/bridge/api-tools.ts and homeassistant/tools.ts has a pattern here; a unit test
 * checks every built-in tool's text is matched. Upstream servers' own texts are shown as they come.
 */
type Rule = [RegExp, (m: RegExpExecArray) => string]

const where = (w: string): string => {
  const ha = /^the Home Assistant instance "(.+)"$/.exec(w)
  if (ha) return `l’instance Home Assistant « ${ha[1]} »`
  const site = /^(.+) API \(at the credential's site URL\)$/.exec(w)
  if (site) return `l’API ${site[1]} (à l’URL du site de l’identifiant)`
  const api = /^(.+) API \((.+)\)$/.exec(w)
  if (api) return `l’API ${api[1]} (${api[2]})`
  return w
}
const scope = (s: string | undefined): string =>
  s
    ? ` Seuls ces domaines sont autorisés : ${/Only these domains are allowed: (.+)\.$/.exec(s)?.[1] ?? ''}.`
    : ''
const SCOPE = '( Only these domains are allowed: [^]+\\.)?'

const FR_RULES: Rule[] = [
  [
    /^Send an authenticated GET or HEAD request to the (.+)\. Keybridge adds the credential; the answer is JSON \{status, headers, body\}\.$/,
    (m) =>
      `Envoie une requête GET ou HEAD authentifiée à ${where(m[1])}. Keybridge ajoute l’identifiant ; la réponse est du JSON {status, headers, body}.`,
  ],
  [
    /^Send an authenticated request \(GET, POST, PUT, PATCH, DELETE\) to the (.+)\. Keybridge adds the credential; the answer is JSON \{status, headers, body\}\.$/,
    (m) =>
      `Envoie une requête authentifiée (GET, POST, PUT, PATCH, DELETE) à ${where(m[1])}. Keybridge ajoute l’identifiant ; la réponse est du JSON {status, headers, body}.`,
  ],
  [
    new RegExp(
      `^List entities of (.+?) with their state and area\\. Filter by domain \\(e\\.g\\. light\\), area name, or text in the id or name\\.${SCOPE}$`,
    ),
    (m) =>
      `Liste les entités de ${where(m[1])} avec leur état et leur pièce. Filtrez par domaine (par ex. light), nom de pièce, ou texte dans l’id ou le nom.${scope(m[2])}`,
  ],
  [
    new RegExp(`^The current state and attributes of one entity of (.+?)\\.${SCOPE}$`),
    (m) => `L’état actuel et les attributs d’une entité de ${where(m[1])}.${scope(m[2])}`,
  ],
  [
    new RegExp(`^How one entity of (.+?) changed over the last hours \\(recorder history\\)\\.${SCOPE}$`),
    (m) =>
      `Comment une entité de ${where(m[1])} a évolué ces dernières heures (historique de l’enregistreur).${scope(m[2])}`,
  ],
  [
    new RegExp(
      `^Call a Home Assistant service \\(action\\) on (.+?), e\\.g\\. (.+?)\\. Returns the states it changed\\.${SCOPE}$`,
    ),
    (m) =>
      `Appelle un service (action) Home Assistant sur ${where(m[1])}, par ex. ${m[2]}. Renvoie les états modifiés.${scope(m[3])}`,
  ],
  // Argument descriptions (the playground's form).
  [
    /^Which stored (.+) account to use \(default: (.+)\)\.$/,
    (m) => `Quel compte ${m[1]} enregistré utiliser (par défaut : ${m[2]}).`,
  ],
  [/^HTTP method: (.+)\.$/, (m) => `Méthode HTTP : ${m[1]}.`],
  [
    /^Path relative to the (.+) API base, starting with "\/" \(e\.g\. "(.+)"\)\.$/,
    (m) => `Chemin relatif à la base de l’API ${m[1]}, commençant par « / » (par ex. « ${m[2]} »).`,
  ],
  [
    /^Query parameters \(values are sent as text\)\.$/,
    () => 'Paramètres de requête (valeurs envoyées comme texte).',
  ],
  [/^A JSON object request body\.$/, () => 'Un corps de requête : un objet JSON.'],
  [
    /^A request body sent as is \(when it is not a JSON object\)\.$/,
    () => 'Un corps de requête envoyé tel quel (quand ce n’est pas un objet JSON).',
  ],
  [/^Only this domain, e\.g\. (.+)\.$/, (m) => `Seulement ce domaine, par ex. ${m[1]}.`],
  [
    /^Only entities in this area \(name or id, case-insensitive\)\.$/,
    () => 'Seulement les entités de cette pièce (nom ou id, sans tenir compte de la casse).',
  ],
  [
    /^Text to find in the entity id or friendly name\.$/,
    () => 'Texte à chercher dans l’id ou le nom convivial de l’entité.',
  ],
  [/^At most this many \(default (\d+)\)\.$/, (m) => `Au plus ce nombre (par défaut ${m[1]}).`],
  [/^e\.g\. ([a-z_]+\.[a-z0-9_]+)$/, (m) => `par ex. ${m[1]}`],
  [
    /^How far back \(default (\d+), at most (\d+)\)\.$/,
    (m) => `Jusqu’où remonter, en heures (par défaut ${m[1]}, au plus ${m[2]}).`,
  ],
  [/^Service domain, e\.g\. (.+)\.$/, (m) => `Domaine du service, par ex. ${m[1]}.`],
  [/^Service name, e\.g\. (.+)\.$/, (m) => `Nom du service, par ex. ${m[1]}.`],
  [
    /^Target entity id, or several separated by commas \((.+)\)\.$/,
    (m) => `Id de l’entité cible, ou plusieurs séparés par des virgules (${m[1]}).`,
  ],
  [/^Service data, e\.g\. (.+)\.$/, (m) => `Données du service, par ex. ${m[1]}.`],
  [
    /^Ask for the service response \(for services that return data\)\.$/,
    () => 'Demander la réponse du service (pour les services qui renvoient des données).',
  ],
  [/^(.+): read from the API$/, (m) => `${m[1]} : lecture de l’API`],
  [/^(.+): any API request$/, (m) => `${m[1]} : toute requête d’API`],
  [/^List entities \((.+)\)$/, (m) => `Lister les entités (${m[1]})`],
  [/^Get state \((.+)\)$/, (m) => `Lire l’état (${m[1]})`],
  [/^Get history \((.+)\)$/, (m) => `Lire l’historique (${m[1]})`],
  [/^Call service \((.+)\)$/, (m) => `Appeler un service (${m[1]})`],
]

const RULES: Partial<Record<Language, Rule[]>> = { fr: FR_RULES }

/** A built-in tool's title or description in the UI language (anything else unchanged). */
export function toolText(text: string, lang: Language): string {
  for (const [re, fr] of RULES[lang] ?? []) {
    const m = re.exec(text)
    if (m) return fr(m)
  }
  return text
}

/** True when a French rule covers this text (the unit test uses it). */
export function hasToolTranslation(text: string, lang: Language): boolean {
  return (RULES[lang] ?? []).some(([re]) => re.test(text))
}
