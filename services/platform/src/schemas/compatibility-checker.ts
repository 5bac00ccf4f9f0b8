import avro from 'avsc';

/**
 * Offline Avro schema resolution (https://avro.apache.org/docs/1.11.1/specification/#schema-resolution):
 * can data written with `writer` be read with `reader`? Pure: no registry, no I/O. The checker
 * walks both types side by side and names the path of every problem, so a failed check says which
 * field broke and how.
 */

export type ProblemKind = 'type-mismatch' | 'missing-default' | 'name-mismatch' | 'enum-symbol' | 'fixed-size' | 'union-branch';

/**
 * Which of the two schemas is the change. `reader-new`: the new schema reads old data (BACKWARD);
 * `reader-old`: old readers read new data (FORWARD); `neutral`: plain reader/writer wording.
 */
export type CheckPerspective = 'reader-new' | 'reader-old' | 'neutral';

export interface CompatibilityProblem {
  /** `FundsCredited.amountMinor`, `Order.lines[].sku`, `Profile.tags{}` */
  path: string;
  kind: ProblemKind;
  /** The human sentence, without the path. */
  message: string;
  /** Type of each side at that path, e.g. `long`, `union[null, string]`. */
  reader: string;
  writer: string;
}

export interface CheckCompatibilityOptions {
  perspective?: CheckPerspective;
}

/** A schema as JSON (object or text) or an avsc type. */
export type SchemaInput = avro.Type | string | object;

const promotions: Record<string, readonly string[]> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

const namedKinds = new Set(['record', 'error', 'enum', 'fixed']);

function toType(input: SchemaInput): avro.Type {
  if (avro.Type.isType(input)) return input as avro.Type;
  const schema = typeof input === 'string' && /^\s*[[{"]/.test(input) ? (JSON.parse(input) as avro.Schema) : input;
  // Without logical types registered avsc keeps the underlying type, which is what resolution uses.
  return avro.Type.forSchema(schema as avro.Schema, { wrapUnions: 'auto' });
}

function unwrap(type: avro.Type): avro.Type {
  let current = type;
  while (current.typeName.startsWith('logical:')) current = (current as unknown as { underlyingType: avro.Type }).underlyingType;
  return current;
}

function kind(type: avro.Type): string {
  const name = unwrap(type).typeName;
  return name.startsWith('union:') ? 'union' : name;
}

function shortName(fullName: string | undefined): string {
  if (!fullName) return '';
  return fullName.slice(fullName.lastIndexOf('.') + 1);
}

/** A readable type label: `long`, `thalweg.ledger.Money`, `array<string>`, `union[null, string]`. */
export function describeType(input: avro.Type): string {
  const type = unwrap(input);
  const k = kind(type);
  if (namedKinds.has(k)) return type.name ?? k;
  if (k === 'array') return `array<${describeType((type as unknown as { itemsType: avro.Type }).itemsType)}>`;
  if (k === 'map') return `map<${describeType((type as unknown as { valuesType: avro.Type }).valuesType)}>`;
  if (k === 'union') return `union[${branches(type).map(describeType).join(', ')}]`;
  return k;
}

function branches(type: avro.Type): avro.Type[] {
  return (unwrap(type) as unknown as { types: avro.Type[] }).types;
}

interface Context {
  perspective: CheckPerspective;
  problems: CompatibilityProblem[];
  /** Pairs under check, so recursive types terminate. */
  inProgress: Map<avro.Type, Set<avro.Type>>;
}

function hint(perspective: CheckPerspective): string {
  if (perspective === 'reader-new') return ' (the new schema cannot read data written with the old one)';
  if (perspective === 'reader-old') return ' (readers on the old schema cannot read data written with the new one)';
  return '';
}

function typeChange(reader: avro.Type, writer: avro.Type, perspective: CheckPerspective): string {
  const r = describeType(reader);
  const w = describeType(writer);
  if (perspective === 'reader-new') return `type changed from ${w} to ${r}${hint(perspective)}`;
  if (perspective === 'reader-old') return `type changed from ${r} to ${w}${hint(perspective)}`;
  return `reader type ${r} cannot read writer type ${w}`;
}

function report(ctx: Context, path: string, kind: ProblemKind, message: string, reader: avro.Type, writer: avro.Type | string): void {
  ctx.problems.push({ path, kind, message, reader: describeType(reader), writer: typeof writer === 'string' ? writer : describeType(writer) });
}

/** Avro's name match: same unqualified name, or the writer's full name among the reader's aliases. */
function namesMatch(reader: avro.Type, writer: avro.Type): boolean {
  if (shortName(reader.name) === shortName(writer.name)) return true;
  return (reader.aliases ?? []).includes(writer.name ?? '');
}

/** True when the writer type can be read by the reader without looking inside named types. */
function shallowMatch(reader: avro.Type, writer: avro.Type): 'exact' | 'promotion' | undefined {
  const rk = kind(reader);
  const wk = kind(writer);
  if (rk === wk) return namedKinds.has(rk) ? (namesMatch(unwrap(reader), unwrap(writer)) ? 'exact' : undefined) : 'exact';
  if (rk === 'error' && wk === 'record') return namesMatch(unwrap(reader), unwrap(writer)) ? 'exact' : undefined;
  return promotions[wk]?.includes(rk) ? 'promotion' : undefined;
}

function check(ctx: Context, readerInput: avro.Type, writerInput: avro.Type, path: string): void {
  const reader = unwrap(readerInput);
  const writer = unwrap(writerInput);
  let seen = ctx.inProgress.get(reader);
  if (seen?.has(writer)) return;
  if (!seen) ctx.inProgress.set(reader, (seen = new Set()));
  seen.add(writer);
  try {
    checkResolved(ctx, reader, writer, path);
  } finally {
    seen.delete(writer);
  }
}

function checkResolved(ctx: Context, reader: avro.Type, writer: avro.Type, path: string): void {
  const rk = kind(reader);
  const wk = kind(writer);

  if (wk === 'union') {
    // Every branch the writer may have used must be readable.
    for (const branch of branches(writer)) {
      if (rk === 'union') {
        const match = matchingBranch(reader, branch);
        if (match) check(ctx, match, branch, path);
        else report(ctx, path, 'union-branch', unionBranchMessage(branch, ctx.perspective), reader, writer);
      } else if (shallowMatch(reader, branch)) {
        check(ctx, reader, branch, path);
      } else {
        report(ctx, path, 'union-branch', unionBranchMessage(branch, ctx.perspective), reader, writer);
      }
    }
    return;
  }
  if (rk === 'union') {
    const match = matchingBranch(reader, writer);
    if (match) check(ctx, match, writer, path);
    else report(ctx, path, 'type-mismatch', typeChange(reader, writer, ctx.perspective), reader, writer);
    return;
  }

  const match = shallowMatch(reader, writer);
  if (!match) {
    if (namedKinds.has(rk) && rk === wk) {
      report(ctx, path, 'name-mismatch', nameChange(reader, writer, ctx.perspective), reader, writer);
    } else {
      report(ctx, path, 'type-mismatch', typeChange(reader, writer, ctx.perspective), reader, writer);
    }
    return;
  }
  if (match === 'promotion') return;

  switch (rk) {
    case 'record':
    case 'error':
      checkRecord(ctx, reader as avro.types.RecordType, writer as avro.types.RecordType, path);
      return;
    case 'enum':
      checkEnum(ctx, reader, writer, path);
      return;
    case 'fixed': {
      const rs = (reader as unknown as { size: number }).size;
      const ws = (writer as unknown as { size: number }).size;
      if (rs !== ws) {
        const [from, to] = ctx.perspective === 'reader-old' ? [rs, ws] : [ws, rs];
        report(ctx, path, 'fixed-size', `fixed size changed from ${from} to ${to}`, reader, writer);
      }
      return;
    }
    case 'array':
      check(ctx, (reader as unknown as { itemsType: avro.Type }).itemsType, (writer as unknown as { itemsType: avro.Type }).itemsType, `${path}[]`);
      return;
    case 'map':
      check(ctx, (reader as unknown as { valuesType: avro.Type }).valuesType, (writer as unknown as { valuesType: avro.Type }).valuesType, `${path}{}`);
      return;
    default:
      return; // Same primitive.
  }
}

/** The reader branch Avro picks for a writer type: the first exact match, else the first promotion. */
function matchingBranch(readerUnion: avro.Type, writer: avro.Type): avro.Type | undefined {
  const candidates = branches(readerUnion);
  return candidates.find((branch) => shallowMatch(branch, writer) === 'exact') ?? candidates.find((branch) => shallowMatch(branch, writer) === 'promotion');
}

function unionBranchMessage(branch: avro.Type, perspective: CheckPerspective): string {
  const label = describeType(branch);
  if (perspective === 'reader-new') return `union branch ${label} removed${hint(perspective)}`;
  if (perspective === 'reader-old') return `union branch ${label} added${hint(perspective)}`;
  return `writer union branch ${label} has no match in the reader`;
}

function nameChange(reader: avro.Type, writer: avro.Type, perspective: CheckPerspective): string {
  if (perspective === 'reader-new') return `named type renamed from ${writer.name} to ${reader.name} without an alias${hint(perspective)}`;
  if (perspective === 'reader-old') return `named type renamed from ${reader.name} to ${writer.name}${hint(perspective)}`;
  return `reader ${reader.name} does not match writer ${writer.name} (names differ and no alias)`;
}

function checkRecord(ctx: Context, reader: avro.types.RecordType, writer: avro.types.RecordType, path: string): void {
  const writerFields = new Map(writer.fields.map((field) => [field.name, field]));
  for (const field of reader.fields) {
    const fieldPath = `${path}.${field.name}`;
    const writerField = writerFields.get(field.name) ?? (field.aliases ?? []).map((alias) => writerFields.get(alias)).find(Boolean);
    if (writerField) {
      check(ctx, field.type, writerField.type, fieldPath);
    } else if (field.defaultValue() === undefined) {
      report(ctx, fieldPath, 'missing-default', missingFieldMessage(field.name, ctx.perspective), field.type, '(absent)');
    }
  }
}

function missingFieldMessage(name: string, perspective: CheckPerspective): string {
  if (perspective === 'reader-new') return `field "${name}" added without a default${hint(perspective)}`;
  if (perspective === 'reader-old') return `field "${name}" removed, but the old schema has no default for it${hint(perspective)}`;
  return `reader field "${name}" has no default and the writer does not have it`;
}

function checkEnum(ctx: Context, reader: avro.Type, writer: avro.Type, path: string): void {
  const readerSymbols = new Set((reader as unknown as { symbols: string[] }).symbols);
  const readerDefault = (reader as unknown as { default?: string }).default;
  if (readerDefault !== undefined) return; // Unknown symbols resolve to the default.
  for (const symbol of (writer as unknown as { symbols: string[] }).symbols) {
    if (readerSymbols.has(symbol)) continue;
    const message =
      ctx.perspective === 'reader-new'
        ? `enum symbol "${symbol}" removed${hint(ctx.perspective)}`
        : ctx.perspective === 'reader-old'
          ? `enum symbol "${symbol}" added without an enum default in the old schema${hint(ctx.perspective)}`
          : `writer enum symbol "${symbol}" is not in the reader and the reader has no default`;
    report(ctx, path, 'enum-symbol', message, reader, writer);
  }
}

/**
 * Every problem that stops `reader` from reading data written with `writer`; empty when
 * compatible. Schemas may be JSON objects, JSON text or avsc types.
 */
export function checkCompatibility(reader: SchemaInput, writer: SchemaInput, { perspective = 'neutral' }: CheckCompatibilityOptions = {}): CompatibilityProblem[] {
  const readerType = toType(reader);
  const writerType = toType(writer);
  const root = shortName(unwrap(readerType).name) || shortName(unwrap(writerType).name) || describeType(readerType);
  const ctx: Context = { perspective, problems: [], inProgress: new Map() };
  check(ctx, readerType, writerType, root);
  return ctx.problems;
}

/** `FundsCredited.amountMinor: type changed from long to string` */
export function formatProblem(problem: Pick<CompatibilityProblem, 'path' | 'message'>): string {
  return `${problem.path}: ${problem.message}`;
}
