/**
 * One challenge from a `WWW-Authenticate` header: the scheme (lowercased) and its
 * auth-params (names lowercased). RFC 7235 section 4.1:
 * https://www.rfc-editor.org/rfc/rfc7235#section-4.1
 */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses every challenge in one or more `WWW-Authenticate` values, e.g.
 *   `Bearer realm="https://auth.docker.io/token",service="registry.docker.io"` (Docker Hub, no scope)
 *   `Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:user/image:pull"`
 *   `Basic realm="Registry Realm"`
 *   `Bearer realm="https://r.example/token",service="r", Basic realm="r"` (two in one header)
 * Challenges are separated by commas, like their params, so a new challenge starts at a
 * token that is followed by whitespace instead of `=`. Never throws; garbage yields [].
 */
export function parseWwwAuthenticate(header: string | string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  const values = Array.isArray(header) ? header : [header];
  const out: AuthChallenge[] = [];
  for (const v of values) out.push(...parseOne(v));
  return out;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;

function parseOne(s: string): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  let i = 0;
  let current: AuthChallenge | undefined;
  const skip = (re: RegExp) => {
    while (i < s.length && re.test(s[i])) i++;
  };
  const token = (): string | undefined => {
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(s);
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };
  while (i < s.length) {
    skip(/[\s,]/);
    if (i >= s.length) break;
    const start = i;
    const name = token();
    if (name === undefined) {
      i++; // an unexpected character: step over it rather than loop forever
      continue;
    }
    skip(/[ \t]/);
    if (s[i] === '=' && current) {
      // auth-param: name = token / quoted-string
      i++;
      skip(/[ \t]/);
      let value: string;
      if (s[i] === '"') {
        i++;
        value = '';
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          value += s[i++];
        }
        i++; // closing quote
      } else {
        value = token() ?? '';
        // token68 values (`Negotiate abc==`) may end in '='
        while (s[i] === '=') value += s[i++];
      }
      current.params[name.toLowerCase()] = value;
    } else if (s[i] === '=' && !current) {
      i = start + name.length + 1; // a param with no scheme before it: ignore
    } else {
      current = { scheme: name.toLowerCase(), params: {} };
      out.push(current);
    }
  }
  return out;
}
