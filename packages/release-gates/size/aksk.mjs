// The same call with AK/SK credentials: the signer is imported dynamically on first use, so it
// arrives as its own chunk (issue #6 target: signing adds <= 1.5 kB gzip).
import { createHssClient } from '@hss-export/client';
const c = createHssClient({
  endpoint: 'https://hss.example.test',
  projectId: 'p',
  credentials: { accessKey: 'ak', secretKey: 'sk' },
});
c.createContainerExportTask({ export_headers: [['container_name', 'Container Name']] });
