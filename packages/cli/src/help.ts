// --help texts. Each command's help ends with examples; the exit codes come from the one
// table in exit-codes.ts.
import {
  ContainerExportRequestClusterTypeEnum,
  ContainerExportRequestStatusEnum,
  exportColumnKeys,
} from '@hss-export/client';
import { defaultTitle } from './args.js';
import { EXIT_CODE_TABLE } from './exit-codes.js';

// The spec's enums, so a new value shows up in --help without touching this file.
const either = (values: Record<string, string>) => {
  const all = Object.values(values);
  return `${all.slice(0, -1).join(', ')} or ${all.at(-1)}`;
};

const CONNECTION = `Connection:
  --region <id>                 HSS region, e.g. ap-southeast-1 (or HUAWEICLOUD_SDK_REGION)
  --endpoint <url>              full endpoint URL instead of --region (https; http only for 127.0.0.1)
  --project-id <id>             project ID (or HUAWEICLOUD_SDK_PROJECT_ID)
  --enterprise-project-id <id>  enterprise project: 0 (default) or all_granted_eps for all
  --token-stdin                 read an IAM token from stdin instead of the environment
  --mock                        run against a local Prism mock (needs @hss-export/mock installed):
                                no account, no network, example data
  --scenario <name>             with --mock: what the mock answers, e.g. failure, rate-limited,
                                unauthorized or running,running,success (default: the task succeeds)`;

const OUTPUT = `Output:
  --json                        print one JSON object on stdout (also on failure, with "error")
  --debug                       more detail on stderr, including stack traces (never credentials)
  -h, --help                    show this help`;

const CREDENTIALS = `Credentials (never from flags, never printed):
  HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK   AK/SK, signed with SDK-HMAC-SHA256 (recommended)
  HUAWEICLOUD_SDK_SECURITY_TOKEN           added for temporary AK/SK
  HSS_EXPORT_TOKEN                         an IAM token, if no AK/SK is set
  --token-stdin                            a token piped in: pass show hss | hss-export ...`;

function exitCodes(): string {
  return `Exit codes:\n${EXIT_CODE_TABLE.map(([code, text]) => `  ${String(code).padEnd(4)}${text}`).join('\n')}`;
}

function columnList(): string {
  const width = Math.max(...exportColumnKeys.map((k) => k.length));
  return exportColumnKeys.map((key) => `    ${key.padEnd(width)}  "${defaultTitle(key)}"`).join('\n');
}

export function mainHelp(): string {
  return `hss-export: export the Huawei Cloud HSS container list to a zip file.

Usage:
  hss-export containers [options]           create an export task, wait for it, download the file
  hss-export status <taskId> [--wait]       show (or wait for) an export task
  hss-export download <fileId> [--out f]    download the file of a finished task
  hss-export <command> --help               help for one command
  hss-export --version

Examples:
  # Try it with no account: the bundled mock, start to finish
  hss-export containers --mock

  # The real thing: AK/SK from the environment
  export HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=...
  hss-export containers --region ap-southeast-1 --project-id 0a1b2c3d4e5f60718293a4b5c6d7e8f9 --risky

  # In a script: parse the result
  hss-export containers --region ap-southeast-1 --project-id "$PROJECT" --json | jq -r .path

${CREDENTIALS}

Progress goes to stderr (a live line on a terminal, plain lines otherwise); the result goes
to stdout.

${exitCodes()}
`;
}

export function containersHelp(): string {
  return `hss-export containers: create a container export task, wait for it and download the zip.

Usage:
  hss-export containers [filters] [--column key[=Title]]... [--out <path>] [options]

Filters (all optional; they mirror the API's request body):
  --cluster-container           only containers in a cluster (--no-cluster-container: outside one)
  --cluster-type <type>         ${either(ContainerExportRequestClusterTypeEnum)}
  --cluster-name <name>         cluster name
  --container-name <name>       container name
  --pod-name <name>             pod name
  --image-name <name>           image name
  --status <status>             ${either(ContainerExportRequestStatusEnum)}
  --risky                       only containers with security risks (--no-risky: only without)
  --created-after <date>        created at or after this ISO 8601 date or time
  --created-before <date>       created at or before this ISO 8601 date or time
                                (2026-01-31 means 00:00 UTC; times without a zone are UTC;
                                sent to the API as epoch milliseconds)
  --cpu-limit <limit>           CPU limit, e.g. 100m
  --memory-limit <limit>        memory limit, e.g. 300Mi
  --export-size <n>             at most n records, 1 to 100000 (API default 100000)
  --enterprise-project-id <id>  see Connection

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

${CONNECTION}

${OUTPUT}

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

Waiting:
  --wait                        poll until the task succeeds or fails
  --timeout <duration>          with --wait: give up after this long (default 10m)
  --poll-interval <duration>    with --wait: time between checks (default 5s)

${CONNECTION}

${OUTPUT}

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

Download:
  --out <path>                  where to save the zip (default: hss-containers-<fileId>.zip in the
                                current folder; missing folders are created)
  --force                       replace an existing file

${CONNECTION}

${OUTPUT}

Examples:
  hss-export download 6f1c2a3b-export-file --out containers.zip --region ap-southeast-1

  hss-export download 6f1c2a3b-export-file --out containers.zip --mock

  # Replace yesterday's file, report as JSON
  hss-export download "$FILE_ID" --out latest.zip --force --json --region cn-north-4

${exitCodes()}
`;
}
