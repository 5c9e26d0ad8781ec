// What the tests expect, read from the spec as the client package publishes it
// (@hss-export/client/spec), not from the CLI's own tables: a test that took its expected
// values from the code under test could not catch that code dropping one.
import { type Operation, operations, type Schema, schemas } from '@hss-export/client/spec';

export const specOperations = operations;

/** A schema with its `ref`s followed. */
export function follow(schema: Schema | undefined): Schema {
  let s = schema ?? {};
  while (s.ref) s = schemas[s.ref]!;
  return s;
}

/** The keys `--column` takes: x-hss-column-keys of the create call's export_headers items. */
export function specColumnKeys(): string[] {
  const body = follow(operations.createContainerExportTask.body?.schema);
  const headers = follow(body.properties?.export_headers);
  return [...(follow(headers.items).columnKeys ?? [])];
}

/** `getExportTask` -> `get-export-task`, `cluster_name` -> `cluster-name`. */
export const kebabCase = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase();

/** The parameters a user gives (not the ones a client setting fills in) and the body fields, by API name. */
export function specFields(op: Operation): { name: string; required: boolean; schema: Schema }[] {
  const fields = op.params
    .filter((p) => !p.option)
    .map((p) => ({ name: p.name, required: p.required, schema: follow(p.schema) }));
  const body = follow(op.body?.schema);
  for (const name of op.body?.fields ?? []) {
    fields.push({
      name,
      required: body.required?.includes(name) ?? false,
      schema: follow(body.properties?.[name]),
    });
  }
  return fields;
}
