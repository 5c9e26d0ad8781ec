// Credentials from the environment variables Huawei's SDKs read, plus our HSS_EXPORT_TOKEN.
// Browser-safe: it only reads the env object it is given. OIDC federation needs to read a
// file, so the federation provider is passed in by the Node chain.
import { ConfigError } from '../errors.js';
import type { CredentialLink, LinkResult } from './chain.js';
import { DEFAULT_IAM_ENDPOINT, iamEndpointFrom } from './endpoint.js';
import { fixedCredential } from './refresh.js';
import type { ChainContext, FederationFactory } from './types.js';

type Env = Record<string, string | undefined>;

// Empty counts as unset, as in config.ts: `export X=` is how shells clear a variable.
const read = (env: Env, name: string): string | undefined => env[name] || undefined;

export function projectIdFromEnv(env: Env): string | undefined {
  return read(env, 'HUAWEICLOUD_SDK_PROJECT_ID');
}

export function iamEndpointFromEnv(env: Env): string | undefined {
  const value = read(env, 'HUAWEICLOUD_SDK_IAM_ENDPOINT');
  return value === undefined ? undefined : iamEndpointFrom(value, 'HUAWEICLOUD_SDK_IAM_ENDPOINT');
}

/** The ways to authenticate a settings source offers, named as the user wrote them. */
export interface CredentialSettings {
  ak?: string | undefined;
  sk?: string | undefined;
  securityToken?: string | undefined;
  token?: string | undefined;
  idpId?: string | undefined;
  idTokenFile?: string | undefined;
}

export interface SettingNames {
  ak: string;
  sk: string;
  securityToken: string;
  token?: string;
  idpId: string;
  idTokenFile: string;
}

export type CredentialChoice = 'aksk' | 'token' | 'federation' | 'none';

/**
 * Which kind of credential the settings describe, or a ConfigError naming the settings
 * that contradict each other. Shared by the env and profile links so both refuse the same
 * mixtures with the same words.
 */
export function chooseCredential(s: CredentialSettings, names: SettingNames, where: string): CredentialChoice {
  const hasKeys = !!(s.ak || s.sk);
  const hasFederation = !!(s.idpId || s.idTokenFile);
  const hasToken = !!s.token;
  const keys = `${names.ak} and ${names.sk}`;
  const federation = `${names.idpId} and ${names.idTokenFile}`;
  // AK/SK and a token together: AK/SK win, as the CLI has always documented (Huawei
  // recommends signing), and the token is not used.
  if (hasFederation && (hasKeys || hasToken)) {
    throw new ConfigError(
      `${where}: ${federation} (OIDC federation) are set together with ${hasKeys ? keys : names.token}; unset one of the two ways`,
    );
  }
  if (hasKeys && !(s.ak && s.sk)) {
    const [missing, present] = s.ak ? [names.sk, names.ak] : [names.ak, names.sk];
    throw new ConfigError(`${where}: ${missing} is not set, but ${present} is: set both`);
  }
  if (hasFederation && !(s.idpId && s.idTokenFile)) {
    const [missing, present] = s.idpId ? [names.idTokenFile, names.idpId] : [names.idpId, names.idTokenFile];
    throw new ConfigError(`${where}: ${missing} is not set, but ${present} is: OIDC federation needs both`);
  }
  if (s.securityToken && !hasKeys) {
    const other = hasToken ? `, not with ${names.token}` : hasFederation ? ', not with OIDC federation' : '';
    throw new ConfigError(
      `${where}: ${names.securityToken} is set without ${keys}; it belongs with temporary AK/SK${other}. Set all three, or unset it`,
    );
  }
  if (hasKeys) return 'aksk';
  if (hasToken) return 'token';
  if (hasFederation) return 'federation';
  return 'none';
}

const ENV_NAMES: SettingNames = {
  ak: 'HUAWEICLOUD_SDK_AK',
  sk: 'HUAWEICLOUD_SDK_SK',
  securityToken: 'HUAWEICLOUD_SDK_SECURITY_TOKEN',
  token: 'HSS_EXPORT_TOKEN',
  idpId: 'HUAWEICLOUD_SDK_IDP_ID',
  idTokenFile: 'HUAWEICLOUD_SDK_ID_TOKEN_FILE',
};

/** The error for federation settings where no federation provider exists (outside Node). */
export function federationNeedsNode(settings: string): ConfigError {
  return new ConfigError(
    `${settings} (OIDC federation) read the ID token from a file, which only works in Node; ` +
      'elsewhere pass credentials explicitly (a token or AK/SK)',
  );
}

export interface EnvLinkOptions {
  /** The Node chain's federation provider; without it federation settings are an error. */
  federation?: FederationFactory | undefined;
}

export function envLink(options: EnvLinkOptions = {}): CredentialLink {
  return {
    name: 'environment variables',
    async resolve(ctx: ChainContext): Promise<LinkResult> {
      const env = ctx.env;
      const s: CredentialSettings = {
        ak: read(env, ENV_NAMES.ak),
        sk: read(env, ENV_NAMES.sk),
        securityToken: read(env, ENV_NAMES.securityToken),
        token: read(env, 'HSS_EXPORT_TOKEN'),
        idpId: read(env, ENV_NAMES.idpId),
        idTokenFile: read(env, ENV_NAMES.idTokenFile),
      };
      const choice = chooseCredential(s, ENV_NAMES, 'environment');
      if (choice === 'none') {
        return {
          reason:
            'none of HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK, HSS_EXPORT_TOKEN or ' +
            'HUAWEICLOUD_SDK_IDP_ID/HUAWEICLOUD_SDK_ID_TOKEN_FILE is set',
        };
      }
      if (choice === 'aksk') {
        const temporary = s.securityToken !== undefined;
        const source = `environment (HUAWEICLOUD_SDK_AK/SK${temporary ? ' and HUAWEICLOUD_SDK_SECURITY_TOKEN' : ''})`;
        const credential = {
          kind: 'aksk' as const,
          accessKey: s.ak!,
          secretKey: s.sk!,
          ...(temporary ? { securityToken: s.securityToken } : {}),
        };
        return {
          provider: fixedCredential(credential, {
            source,
            renewHint: temporary
              ? 'temporary keys expire; set HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and HUAWEICLOUD_SDK_SECURITY_TOKEN to new ones'
              : 'check HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or create a new access key in the IAM console',
          }),
        };
      }
      if (choice === 'token') {
        return {
          provider: fixedCredential(
            { kind: 'token', token: s.token! },
            {
              source: 'environment (HSS_EXPORT_TOKEN)',
              renewHint: 'IAM tokens last 24 hours; get a new one and set HSS_EXPORT_TOKEN to it',
            },
          ),
        };
      }
      const settings = 'HUAWEICLOUD_SDK_IDP_ID and HUAWEICLOUD_SDK_ID_TOKEN_FILE';
      if (!options.federation) throw federationNeedsNode(settings);
      const projectId = ctx.projectId || projectIdFromEnv(env);
      if (!projectId) {
        throw new ConfigError(
          `${settings} (OIDC federation) need a project ID to scope the token to: pass projectId or set HUAWEICLOUD_SDK_PROJECT_ID`,
        );
      }
      const iamEndpoint = iamEndpointFromEnv(env) ?? DEFAULT_IAM_ENDPOINT;
      return {
        provider: options.federation(
          {
            idpId: s.idpId!,
            idTokenFile: s.idTokenFile!,
            projectId,
            iamEndpoint,
            source: `OIDC federation (${settings})`,
            idTokenFileSetting: 'HUAWEICLOUD_SDK_ID_TOKEN_FILE',
          },
          ctx,
        ),
        iamEndpoint,
      };
    },
  };
}
