// What a browser app that creates an export task with a token ships (issue #6 target: <= 4 kB gzip).
import { createHssClient } from '@hss-export/client';
const c = createHssClient({ endpoint: 'https://hss.example.test', projectId: 'p', credentials: { token: 't' } });
c.createContainerExportTask({ export_headers: [['container_name', 'Container Name']] });
