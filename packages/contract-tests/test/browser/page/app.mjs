// The page's script. The test copies it next to the extracted tarballs and bundles it with
// esbuild, so '@hss-export/client' below is the packed client, as a web app would get it.
// Each window.hss function returns plain data for page.evaluate to hand back to the test.
import { ApiError, createHssClient, HssError, NotFoundError, ValidationError } from '@hss-export/client';

const PROJECT_ID = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const BODY = {
  export_headers: [
    ['container_name', 'Container Name'],
    ['image_name', 'Image Name'],
  ],
  status: 'Running',
};

/** fetch that records what was sent and what came back, optionally adding headers. */
function recordingFetch(log, extraHeaders = {}) {
  return async (input, init = {}) => {
    const headers = { ...init.headers, ...extraHeaders };
    const response = await fetch(input, { ...init, headers });
    log.push({
      url: String(input),
      method: init.method ?? 'GET',
      headers,
      body: typeof init.body === 'string' ? init.body : null,
      status: response.status,
      violations: response.headers.get('sl-violations'),
    });
    return response;
  };
}

function client(endpoint, log, { credentials = { token: 'browser-test-token' }, extraHeaders } = {}) {
  // env: {} so nothing is read from a global `process` a bundler might have shimmed.
  return createHssClient({
    endpoint,
    projectId: PROJECT_ID,
    credentials,
    env: {},
    maxRetries: 0,
    fetch: recordingFetch(log, extraHeaders),
  });
}

function describeError(error) {
  return {
    name: error?.name,
    isHssError: error instanceof HssError,
    isApiError: error instanceof ApiError,
    isNotFoundError: error instanceof NotFoundError,
    isValidationError: error instanceof ValidationError,
    status: error?.status,
    errorCode: error?.errorCode,
    errorMsg: error?.errorMsg,
    requestId: error?.requestId,
    problems: error?.problems,
    message: error?.message,
  };
}

window.hss = {
  async createTask(endpoint) {
    const requests = [];
    const created = await client(endpoint, requests).createContainerExportTask({ ...BODY, export_size: 1000 });
    document.querySelector('#task-id').textContent = created.task_id;
    return { created, requests };
  },

  async documentedNotFound(endpoint) {
    const requests = [];
    try {
      await client(endpoint, requests, { extraHeaders: { Prefer: 'code=404' } }).getExportTask({ task_id: 'test' });
      return { thrown: null, requests };
    } catch (error) {
      document.querySelector('#error').textContent = `${error.name} ${error.errorCode}`;
      return { thrown: describeError(error), requests };
    }
  },

  async invalidRequest(endpoint) {
    const requests = [];
    try {
      await client(endpoint, requests).createContainerExportTask({ export_headers: [['no_such_column', 'Title']] });
      return { thrown: null, requests };
    } catch (error) {
      return { thrown: describeError(error), requests };
    }
  },

  async createTaskWithAkSk(endpoint) {
    const requests = [];
    const c = client(endpoint, requests, { credentials: { accessKey: 'BROWSERTESTAK', secretKey: 'browser-test-sk' } });
    const created = await c.createContainerExportTask(BODY);
    return { created, requests };
  },

  /**
   * A cross-origin GET to a server that sends no CORS headers: the browser must send it and
   * refuse the page its answer, or the CORS checks above would prove nothing.
   */
  async corsRefused(url) {
    try {
      const response = await fetch(url);
      return { refused: false, status: response.status };
    } catch (error) {
      return { refused: true, name: error.name };
    }
  },

  /** A bare cross-origin request Prism must flag: proves sl-violations is readable here. */
  async rawInvalid(endpoint) {
    const response = await fetch(`${endpoint}/v5/${PROJECT_ID}/container/export-task`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Auth-Token': 't' },
      body: JSON.stringify({ unknown_field: 1 }),
    });
    return { status: response.status, violations: response.headers.get('sl-violations') };
  },
};
window.hssReady = true;
