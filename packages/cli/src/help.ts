// --help texts. The flags of the API's parameters and body fields, with their enums, limits
// and descriptions, come from the spec (flags.ts); the exit codes from exit-codes.ts.
import { defaultTitle } from './args.js';
import { COLUMN_KEYS, FILTER_FLAGS } from './commands/containers.js';
import { DOWNLOAD_FLAGS } from './commands/download.js';
import { STATUS_FLAGS } from './commands/status.js';
import { EXIT_CODE_TABLE } from './exit-codes.js';
import { flagHelp } from './flags.js';

export const CONNECTION_HELP = `Connection:
  --region <id>                 HSS region, e.g. ap-southeast-1 (or HUAWEICLOUD_SDK_REGION)
  --endpoint <url>              full endpoint URL instead of --region (https; http only for 127.0.0.1)
  --project-id <id>             project ID (or HUAWEICLOUD_SDK_PROJECT_ID)
  --token-stdin                 read an IAM token from stdin instead of the environment
  --mock                        run against a local Prism mock (needs @hss-export/mock installed):
                                no account, no network, example data
  --scenario <name>             with --mock: what the mock answers, e.g. failure, rate-limited,
                                unauthorized or running,running,success (default: the task succeeds)`;

export const OUTPUT_HELP = `Output:
  --json                        print one JSON object on stdout (also on failure, with "error")
  --debug                       more detail on stderr, including stack traces (never credentials)
  -h, --help                    show this help`;

const CREDENTIALS = `Credentials (never from flags, never printed), the first source that has them wins:
  --token-stdin                            a token piped in: pass show hss | hss-export ...
  HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK   AK/SK, signed with SDK-HMAC-SHA256 (recommended),
  HUAWEICLOUD_SDK_SECURITY_TOKEN           plus this for temporary AK/SK
  HSS_EXPORT_TOKEN                         or an IAM token
  HUAWEICLOUD_SDK_IDP_ID,                  or OIDC federation: a CI system's ID token file,
    HUAWEICLOUD_SDK_ID_TOKEN_FILE          exchanged at IAM for a token (needs a project ID)
  ~/.huaweicloud/credentials               or the credentials file ([basic]: ak, sk, security_token,
                                           project_id, ...; another file: HUAWEICLOUD_SDK_CREDENTIALS_FILE)
  instance metadata                        or, on an ECS instance or CCE node with an agency,
                                           its temporary AK/SK (renewed before they expire)
  The project ID: --project-id, HUAWEICLOUD_SDK_PROJECT_ID, project_id in the file, or the one
  project IAM lists for the region (AK/SK only). HUAWEICLOUD_SDK_IAM_ENDPOINT names another IAM.`;

const PROXIES = `Proxies (from the environment; a lower-case name wins over its upper-case one):
  HTTPS_PROXY        proxy for the API, e.g. http://proxy.example:8080 or
                     http://user:password@proxy.example:8080 (password never printed)
  HTTP_PROXY         proxy for http:// endpoints, and for https:// if HTTPS_PROXY is unset
  NO_PROXY           hosts to reach directly, e.g. 127.0.0.1,.internal.example (* = all)
  --mock never goes through a proxy.`;

export function exitCodes(): string {
  return `Exit codes:\n${EXIT_CODE_TABLE.map(([code, text]) => `  ${String(code).padEnd(4)}${text}`).join('\n')}`;
}

function columnList(): string {
  const width = Math.max(...COLUMN_KEYS.map((k) => k.length));
  return COLUMN_KEYS.map((key) => `    ${key.padEnd(width)}  "${defaultTitle(key)}"`).join('\n');
}

/** The commands made from the spec's operations, with their summaries. */
export interface CommandSummary {
  name: string;
  summary: string;
}

export function mainHelp(apiCommands: readonly CommandSummary[] = []): string {
  const width = Math.max(0, ...apiCommands.map((c) => c.name.length)) + 2;
  const api = apiCommands.map((c) => `  hss-export ${c.name.padEnd(width)}${c.summary}`).join('\n');
  return `hss-export: export the Huawei Cloud HSS container list to a zip file.

Usage:
  hss-export containers [options]           create an export task, wait for it, download the file
  hss-export status <taskId> [--wait]       show (or wait for) an export task
  hss-export download <fileId> [--out f]    download the file of a finished task
  hss-export <command> --help               help for one command
  hss-export --version

One command per API operation (every parameter and body field a flag; --json prints the answer):
${api}

Examples:
  # Try it with no account: the bundled mock, start to finish
  hss-export containers --mock

  # The real thing: AK/SK from the environment
  export HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=...
  hss-export containers --region ap-southeast-1 --project-id 0a1b2c3d4e5f60718293a4b5c6d7e8f9 --risky

  # In a script: parse the result
  hss-export containers --region ap-southeast-1 --project-id "$PROJECT" --json | jq -r .path

${CREDENTIALS}

${PROXIES}

Progress goes to stderr (a live line on a terminal, plain lines otherwise); the result goes
to stdout.

${exitCodes()}
`;
}

export function containersHelp(): string {
  return `hss-export containers: create a container export task, wait for it and download the zip.

Usage:
  hss-export containers [filters] [--column key[=Title]]... [--out <path>] [options]

Filters and parameters (from the spec's create call; all optional):
${flagHelp(FILTER_FLAGS)}
  --created-after <date>        created at or after this ISO 8601 date or time
  --created-before <date>       created at or before this ISO 8601 date or time
                                (2026-01-31 means 00:00 UTC; times without a zone are UTC;
                                sent as create_time, in epoch milliseconds)

Columns (repeat --column; order is kept; default: all of them with these titles):
${columnList()}
  --column key=Title sets your own title.

Download:
  --out <path>                  where to save the zip (default: hss-containers-<UTC time>.zip in
                                the current folder, e.g. hss-containers-20260131T120000Z.zip; an
                                existing folder or a path ending in / gets that name inside;
                                missing folders are created)
  --force                       replace an existing file (without it, an existing file stops the
                                run before anything is sent)

Waiting:
  --timeout <duration>          stop waiting after this long, e.g. 90s, 10m, 1h (default 10m); the
                                task keeps running and can be resumed with "hss-export status"
  --poll-interval <duration>    time between status checks (default 5s; 200ms with --mock)
  --no-wait                     create the task, print its id on stdout and stop

${CONNECTION_HELP}

${OUTPUT_HELP}

Examples:
  # Everything, with the bundled mock (no account needed)
  hss-export containers --mock

  # Risky running containers of one cluster, three columns, into a chosen file
  hss-export containers --region ap-southeast-1 --project-id "$PROJECT" \\
    --cluster-name prod-cce --status Running --risky \\
    --column container_name --column image_name --column risky="Security Risk" \\
    --out exports/risky.zip

  # Created in January 2026, across all enterprise projects, as JSON for a script
  hss-export containers --region cn-north-4 --enterprise-project-id all_granted_eps \\
    --created-after 2026-01-01 --created-before 2026-01-31T23:59:59Z --json

  # Start now, collect later
  task=$(hss-export containers --region ap-southeast-1 --no-wait)
  hss-export status "$task" --wait --region ap-southeast-1

  # An IAM token from a password manager instead of AK/SK
  pass show hss/token | hss-export containers --region ap-southeast-1 --token-stdin

--json prints: {"task_id", "status", "file_id", "file_name", "path", "bytes", "mock", "error"}

${exitCodes()}
`;
}

export function statusHelp(): string {
  return `hss-export status: show an export task's status, or wait until it finishes.

Usage:
  hss-export status <taskId> [--wait [--timeout <duration>] [--poll-interval <duration>]] [options]

Prints task_id, task_name, task_status and, once it succeeded, file_id and file_name.
A task whose status is "failure" exits with code 4.

Parameters (from the spec's status call):
${flagHelp(STATUS_FLAGS)}

Waiting:
  --wait                        poll until the task succeeds or fails
  --timeout <duration>          with --wait: give up after this long (default 10m)
  --poll-interval <duration>    with --wait: time between checks (default 5s)

${CONNECTION_HELP}

${OUTPUT_HELP}

Examples:
  hss-export status 4f7c2d1e --region ap-southeast-1 --project-id "$PROJECT"

  # Resume a run that timed out or was interrupted, then download
  hss-export status 4f7c2d1e --wait --timeout 30m --region ap-southeast-1
  hss-export download <fileId> --out containers.zip --region ap-southeast-1

  # The file id, for a script
  hss-export status 4f7c2d1e --region ap-southeast-1 --json | jq -r .file_id

${exitCodes()}
`;
}

export function downloadHelp(): string {
  return `hss-export download: download the file of a finished export task.

Usage:
  hss-export download <fileId> [--out <path>] [--force] [options]

The file is checked (a zip archive of the announced size) and only then appears at --out;
if anything fails, or you press Ctrl-C, no partial file is left behind.

Parameters (from the spec's download call):
${flagHelp(DOWNLOAD_FLAGS)}

Download:
  --out <path>                  where to save the zip (default: hss-containers-<fileId>.zip in the
                                current folder; missing folders are created)
  --force                       replace an existing file

${CONNECTION_HELP}

${OUTPUT_HELP}

Examples:
  hss-export download 6f1c2a3b-export-file --out containers.zip --region ap-southeast-1

  hss-export download 6f1c2a3b-export-file --out containers.zip --mock

  # Replace yesterday's file, report as JSON
  hss-export download "$FILE_ID" --out latest.zip --force --json --region cn-north-4

${exitCodes()}
`;
}
