// Type-level checks of the published types, run by `pnpm typecheck` (tsc); nothing to run.
import type * as Client from '@hss-export/client';
import { createHssClient } from '@hss-export/client';
import type * as Types from '@hss-export/types';
import { expectTypeOf } from 'vitest';

// The client publishes the types package's models unchanged.
expectTypeOf<Client.ContainerExportRequest>().toEqualTypeOf<Types.ContainerExportRequest>();
expectTypeOf<Client.ExportTask>().toEqualTypeOf<Types.ExportTask>();
expectTypeOf<Types.ExportTaskStatus>().toEqualTypeOf<'success' | 'failure' | 'running'>();

// An export column is a [key, title] tuple whose key is one of x-hss-column-keys.
expectTypeOf<Types.ExportColumn>().toEqualTypeOf<[key: Types.ExportColumnKey, title: string]>();
const hss = createHssClient({ endpoint: 'http://127.0.0.1:1', projectId: 'p', credentials: { token: 't' } });
void (() => hss.createContainerExportTask({ export_headers: [['container_name', 'Name']] }));
// @ts-expect-error a misspelt column key does not compile
void (() => hss.createContainerExportTask({ export_headers: [['containr_name', 'Name']] }));
// @ts-expect-error a column is a pair, not a triple
void (() => hss.createContainerExportTask({ export_headers: [['container_name', 'Name', 'x']] }));
// @ts-expect-error task_id is required
void (() => hss.getExportTask({}));
// Parameters and body fields side by side; project_id comes from the client.
void (() =>
  hss.createContainerExportTask({ export_headers: [['image_name', 'Image']], export_size: 10, status: 'Running' }));
