// The arguments of the tool server's tools: a small vocabulary (strings and string lists) that gives
// both the JSON Schema shown to the model and the check of what a call passes. The server needs no
// zod: loading zod and the MCP SDK's schemas cost each agent's server about 18 MB and a third of its start.

export type InputField =
  | { type: 'string'; description: string; optional?: boolean; minLength?: number }
  | { type: 'string[]'; description: string; minItems?: number };

export type InputFields = Record<string, InputField>;

type FieldValue<F extends InputField> = F extends { type: 'string[]' } ? string[] : F extends { optional: true } ? string | undefined : string;

/** The arguments a handler receives for these fields. */
export type InputOf<F extends InputFields> = { [K in keyof F]: FieldValue<F[K]> };

// A type, not an interface: it must fit where any JSON object is expected (the MCP SDK's Tool).
export type ObjectJsonSchema = {
  type: 'object';
  properties: Record<string, object>;
  required: string[];
};

export function inputJsonSchema(fields: InputFields): ObjectJsonSchema {
  const properties: Record<string, object> = {};
  const required: string[] = [];
  for (const [name, field] of Object.entries(fields)) {
    if (field.type === 'string[]') {
      properties[name] = { type: 'array', items: { type: 'string' }, description: field.description, ...(field.minItems !== undefined ? { minItems: field.minItems } : {}) };
      required.push(name);
    } else {
      properties[name] = { type: 'string', description: field.description, ...(field.minLength !== undefined ? { minLength: field.minLength } : {}) };
      if (!field.optional) required.push(name);
    }
  }
  return { type: 'object', properties, required };
}

/** A tool as tools/list shows it. */
export interface ListedTool {
  name: string;
  description: string;
  inputSchema: ObjectJsonSchema;
  annotations?: Record<string, boolean>;
}

export function listedTool(name: string, definition: { description: string; inputSchema: InputFields; annotations?: Record<string, boolean> }): ListedTool {
  return {
    name,
    description: definition.description,
    inputSchema: inputJsonSchema(definition.inputSchema),
    ...(definition.annotations ? { annotations: definition.annotations } : {}),
  };
}

/** Checks a call's arguments; the message names each field that is wrong, for the model to correct. */
export function parseInput<F extends InputFields>(fields: F, args: unknown): { ok: true; value: InputOf<F> } | { ok: false; message: string } {
  const given = args ?? {};
  if (typeof given !== 'object' || Array.isArray(given)) return { ok: false, message: 'expected an object of arguments' };
  const record = given as Record<string, unknown>;
  const problems: string[] = [];
  // Arguments it does not know are dropped, not refused.
  const known: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    const value = record[name];
    if (value !== undefined) known[name] = value;
    if (value === undefined) {
      if (field.type === 'string[]' || !field.optional) problems.push(`${name}: required`);
    } else if (field.type === 'string[]') {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) problems.push(`${name}: expected an array of strings`);
      else if (field.minItems !== undefined && value.length < field.minItems) problems.push(`${name}: expected at least ${field.minItems} item(s)`);
    } else if (typeof value !== 'string') {
      problems.push(`${name}: expected a string`);
    } else if (field.minLength !== undefined && value.length < field.minLength) {
      problems.push(`${name}: expected at least ${field.minLength} character(s)`);
    }
  }
  return problems.length ? { ok: false, message: problems.join('; ') } : { ok: true, value: known as InputOf<F> };
}
