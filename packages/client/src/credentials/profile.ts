// Credentials from the profile file Huawei's SDKs read: INI at $HUAWEICLOUD_SDK_CREDENTIALS_FILE,
// else ~/.huaweicloud/credentials, section [basic]. Node only (it reads a file).
//
// The INI parser is written here rather than taken from npm: the format needed is a few
// dozen lines, and the INI packages on npm are either unmaintained or far bigger than
// that, while this SDK ships with no dependencies.
import { open } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import type { CredentialLink, LinkResult } from './chain.js';
import { DEFAULT_IAM_ENDPOINT, iamEndpointFrom } from './endpoint.js';
import { chooseCredential, federationNeedsNode, iamEndpointFromEnv, projectIdFromEnv } from './env.js';
import { refreshing } from './refresh.js';
import type { AkSkCredential, ChainContext, FederationFactory } from './types.js';

export type IniSections = Map<string, Map<string, string>>;

/**
 * Sections (names lower-cased) of key/value pairs. Accepts `#` and `;` comments, also after
 * a value when a space precedes them, blank lines, CRLF, quotes around a value and `:` in
 * place of `=`. Keys before the first section are ignored; a repeated key keeps its last value.
 * Errors give the line number only: a line of this file may hold a secret key.
 */
export function parseIni(text: string, path: string): IniSections {
  const sections: IniSections = new Map();
  let section: Map<string, string> | undefined;
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[([^\]]*)\]\s*(?:[#;].*)?$/.exec(line);
    if (header) {
      const name = header[1]!.trim().toLowerCase();
      section = sections.get(name) ?? new Map();
      sections.set(name, section);
      return;
    }
    const at = line.search(/[=:]/);
    const key = at > 0 ? line.slice(0, at).trim().toLowerCase() : '';
    if (!/^[a-z0-9_.-]+$/.test(key)) {
      throw new ConfigError(
        `line ${index + 1} of ${path} is not \`key = value\`, a [section] header or a # comment: correct or remove it`,
      );
    }
    let value = line
      .slice(at + 1)
      .replace(/\s[#;].*$/, '')
      .trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) {
      value = value.slice(1, -1);
    }
    section?.set(key, value);
  });
  return sections;
}

/** The profile file's path and how it was chosen, or why there is none. */
export function profilePath(
  env: Record<string, string | undefined>,
): { path: string; explicit: boolean } | { reason: string } {
  const explicit = env.HUAWEICLOUD_SDK_CREDENTIALS_FILE;
  if (explicit) return { path: explicit, explicit: true };
  // Only the env object is consulted, not os.homedir(), so a caller that passes `env: {}`
  // gets no file read behind its back (and tests never see the real home directory).
  const home = env.HOME || env.USERPROFILE;
  if (!home) return { reason: 'neither HUAWEICLOUD_SDK_CREDENTIALS_FILE nor HOME is set' };
  const separator = home.includes('\\') && !home.includes('/') ? '\\' : '/';
  return { path: [home.replace(/[\\/]+$/, ''), '.huaweicloud', 'credentials'].join(separator), explicit: false };
}

interface ProfileRead {
  text: string;
  mode: number;
}

async function readProfile(path: string, explicit: boolean): Promise<ProfileRead | undefined> {
  const setting = explicit ? ' (from HUAWEICLOUD_SDK_CREDENTIALS_FILE)' : '';
  try {
    // One open file for both stat and read, so the mode checked is that of the bytes read.
    const file = await open(path, 'r');
    try {
      const { mode } = await file.stat();
      return { text: await file.readFile('utf8'), mode };
    } finally {
      await file.close();
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' && !explicit) return undefined;
    const why =
      code === 'ENOENT'
        ? 'does not exist: correct HUAWEICLOUD_SDK_CREDENTIALS_FILE or unset it'
        : code === 'EACCES' || code === 'EPERM'
          ? 'cannot be read by this user: check its owner and permissions'
          : code === 'EISDIR'
            ? 'is a directory: it must be the INI file itself'
            : `cannot be read${typeof code === 'string' ? ` (${code})` : ''}`;
    throw new ConfigError(`the profile file ${path}${setting} ${why}`);
  }
}

const KEY_NAMES = {
  ak: 'ak',
  sk: 'sk',
  securityToken: 'security_token',
  idpId: 'idp_id',
  idTokenFile: 'id_token_file',
};

export interface ProfileLinkOptions {
  /** The Node chain's federation provider. */
  federation?: FederationFactory | undefined;
  /** For tests: the permission check only means something on POSIX systems. */
  platform?: string | undefined;
}

export function profileLink(options: ProfileLinkOptions = {}): CredentialLink {
  return {
    name: 'profile file',
    async resolve(ctx: ChainContext): Promise<LinkResult> {
      const located = profilePath(ctx.env);
      if ('reason' in located) return located;
      const { path, explicit } = located;
      const first = await readProfile(path, explicit);
      if (!first) return { reason: `no file at ${path}` };

      const platform = options.platform ?? (globalThis as { process?: { platform?: string } }).process?.platform;
      if (platform !== 'win32' && (first.mode & 0o077) !== 0) {
        const mode = (first.mode & 0o777).toString(8).padStart(3, '0');
        ctx.warn?.(
          `the profile file ${path} holds secret keys but other users may read or change it (mode ${mode}); ` +
            `restrict it with: chmod 600 ${path}`,
        );
      }

      const where = `[basic] in ${path}`;
      const parse = (text: string) => {
        const basic = parseIni(text, path).get('basic');
        const get = (key: string) => basic?.get(key) || undefined;
        const settings = {
          ak: get('ak'),
          sk: get('sk'),
          securityToken: get('security_token'),
          idpId: get('idp_id'),
          idTokenFile: get('id_token_file'),
        };
        return {
          basic,
          settings,
          choice: chooseCredential(settings, KEY_NAMES, where),
          projectId: get('project_id'),
          iamEndpoint: get('iam_endpoint'),
        };
      };
      const profile = parse(first.text);
      if (!profile.basic) return { reason: `${path} has no [basic] section` };
      if (profile.choice === 'none') return { reason: `${where} has neither ak and sk nor idp_id and id_token_file` };

      // An environment variable beats the file, as the project ID does: it is the more specific setting.
      const iamEndpoint =
        iamEndpointFromEnv(ctx.env) ??
        (profile.iamEndpoint ? iamEndpointFrom(profile.iamEndpoint, `iam_endpoint in ${where}`) : DEFAULT_IAM_ENDPOINT);
      const hit = {
        iamEndpoint,
        ...(profile.projectId ? { projectId: profile.projectId, projectIdSource: `project_id in ${where}` } : {}),
      };

      if (profile.choice === 'federation') {
        if (!options.federation) throw federationNeedsNode(`idp_id and id_token_file in ${where}`);
        const projectId = ctx.projectId || projectIdFromEnv(ctx.env) || profile.projectId;
        if (!projectId) {
          throw new ConfigError(
            `idp_id and id_token_file in ${where} (OIDC federation) need a project ID to scope the token to: ` +
              'add project_id to the section, pass projectId or set HUAWEICLOUD_SDK_PROJECT_ID',
          );
        }
        const provider = options.federation(
          {
            idpId: profile.settings.idpId!,
            idTokenFile: profile.settings.idTokenFile!,
            projectId,
            iamEndpoint,
            source: `OIDC federation (idp_id and id_token_file in ${where})`,
            idTokenFileSetting: `id_token_file in ${where}`,
          },
          ctx,
        );
        return { provider, ...hit };
      }

      const keysFrom = (settings: typeof profile.settings): AkSkCredential => ({
        kind: 'aksk',
        accessKey: settings.ak!,
        secretKey: settings.sk!,
        ...(settings.securityToken ? { securityToken: settings.securityToken } : {}),
      });
      // After the server refuses the keys, the file is read again: whoever wrote them may
      // have written new ones since (a credential helper, a person running a login script).
      const reread = async (): Promise<AkSkCredential> => {
        const again = await readProfile(path, true);
        const next = parse(again!.text);
        if (next.choice !== 'aksk') {
          throw new ConfigError(
            `${where} no longer has ak and sk; put the access key back, or create the client again`,
          );
        }
        return keysFrom(next.settings);
      };
      const provider = refreshing(reread, {
        source: `profile file ${path} [basic]`,
        initial: keysFrom(profile.settings),
        renewHint: `put current keys (ak, sk${profile.settings.securityToken ? ', security_token' : ''}) in ${where}`,
        configured: true,
        now: ctx.now,
      });
      return { provider, ...hit };
    },
  };
}
