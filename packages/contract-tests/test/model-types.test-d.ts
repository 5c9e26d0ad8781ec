// Type-level proof that the client publishes the types package's models unchanged and
// that its generated models are the same declarations. Checked by `pnpm typecheck`
// (tsc), which fails the pipeline when they drift; there is nothing to run.
import { expectTypeOf } from 'vitest';
import type * as Client from '@hss-export/client';
import type * as Types from '@hss-export/types';
import type * as ClientGenerated from '../../client/src/generated/openapi/models/index.js';

expectTypeOf<Client.ContainerExportRequest>().toEqualTypeOf<Types.ContainerExportRequest>();
expectTypeOf<ClientGenerated.ContainerExportRequest>().toEqualTypeOf<Types.ContainerExportRequest>();
expectTypeOf<ClientGenerated.CreateTimeRange>().toEqualTypeOf<Types.CreateTimeRange>();
expectTypeOf<ClientGenerated.ExportTaskCreated>().toEqualTypeOf<Types.ExportTaskCreated>();
expectTypeOf<ClientGenerated.ExportTask>().toEqualTypeOf<Types.ExportTask>();
expectTypeOf<ClientGenerated.ExportTaskStatus>().toEqualTypeOf<Types.ExportTaskStatus>();
expectTypeOf<ClientGenerated.ErrorBody>().toEqualTypeOf<Types.ErrorBody>();
// Sanity check that this file can fail: a different model must not compare equal.
// @ts-expect-error ExportTask and ExportTaskCreated differ
expectTypeOf<ClientGenerated.ExportTask>().toEqualTypeOf<Types.ExportTaskCreated>();
expectTypeOf<Types.ExportTaskStatus>().toEqualTypeOf<'success' | 'failure' | 'running'>();
