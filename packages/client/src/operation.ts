// The shape of what the generator writes for every operation (src/generated/operations.ts,
// from packages/generator/templates/typescript-fetch/operations.mustache). The request path
// (request.ts) and the validator (validation.ts) read only this; nothing hand-written
// names an operation.

/** A validation rule: the JSON Schema keywords the spec lint lets through, nothing else. */
export interface Schema {
  readonly type?: 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';
  /** A named schema in `schemas`. */
  readonly ref?: string;
  readonly nullable?: boolean;
  readonly enum?: readonly unknown[];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly items?: Schema;
  readonly required?: readonly string[];
  readonly properties?: { readonly [name: string]: Schema };
  readonly additionalProperties?: false;
  /** `x-hss-column-keys`: what the first item of a `[key, title]` pair may be. */
  readonly columnKeys?: readonly string[];
}

/** One parameter of an operation, and where it goes. */
export interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  /** `x-hss-client-option`: the createHssClient setting that supplies the default. */
  readonly option?: 'projectId' | 'region';
  readonly schema: Schema;
}

/** What a documented 2xx answer holds. */
export type Answer =
  | { readonly kind: 'json'; readonly schema: Schema }
  | { readonly kind: 'bytes' /** `x-hss-file-format`, e.g. `zip`; '' when unchecked. */; readonly format: string }
  | { readonly kind: 'empty' };

/** An operation of the spec as data (generated). */
export interface Operation {
  readonly id: string;
  readonly method: string;
  /** With `{name}` for each path parameter. */
  readonly path: string;
  /** `x-hss-idempotent` as the spec has it ('' when absent: then only GET is). */
  readonly idempotent: '' | 'true' | 'false';
  readonly params: readonly Parameter[];
  /** `fields`: the body's top-level properties, which callers pass beside the parameters. */
  readonly body?: { readonly required: boolean; readonly fields?: readonly string[]; readonly schema: Schema };
  /** Only these statuses count as success; any other 2xx is a malformed answer. */
  readonly responses: { readonly [status: number]: Answer };
}
