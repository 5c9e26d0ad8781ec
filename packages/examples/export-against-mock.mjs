// The whole export workflow against the bundled Prism mock, with no Huawei account:
// create a task, poll it, download the file. Prism is started and stopped here.
import { Configuration, ExportApi } from '@hss-export/client';
import { startPrism } from '@hss-export/mock-server';

const prism = await startPrism();
try {
  const api = new ExportApi(new Configuration({ basePath: prism.url, headers: { 'X-Auth-Token': 'demo-token' } }));
  const projectId = 'demo-project';
  const { task_id } = await api.createContainerExportTask({
    projectId,
    containerExportRequest: {
      export_headers: [
        ['container_name', 'Container Name'],
        ['image_name', 'Image Name'],
        ['risky', 'Security Risk'],
      ],
    },
  });
  const task = await api.getExportTask({ projectId, taskId: task_id });
  const file = await api.downloadExportedFile({ projectId, fileId: task.file_id });
  console.log(`Used the Prism mock at ${prism.url} (no real Huawei Cloud call was made).`);
  console.log(JSON.stringify({ task_id, task_status: task.task_status, file_id: task.file_id, file_name: task.file_name, bytes: file.size }, null, 2));
} finally {
  await prism.stop();
}
